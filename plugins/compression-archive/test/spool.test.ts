import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { bufferFile, readAll } from "@conveyor/testkit/conformance";
import { describe, expect, it } from "vitest";
import { EncryptedSpool } from "../src/index.js";
import { compressAll, exists, files, make, RecordingTempStore } from "./helpers.js";

const MARKER = "PLAINTEXT-MARKER-4711;";
const plain = Buffer.from(MARKER.repeat(20_000));

describe("encrypted spool", () => {
  it("stores only ciphertext and gives the plaintext back", async () => {
    const spool = await EncryptedSpool.open(new RecordingTempStore());
    const entry = await spool.write(Readable.from([plain]));
    expect(entry.size).toBe(plain.length);
    const onDisk = await readFile(entry.path);
    expect(onDisk.length).toBe(plain.length);
    expect(onDisk.includes(Buffer.from(MARKER))).toBe(false);
    expect((await readAll(spool.read(entry))).equals(plain)).toBe(true);
    await spool.dispose();
    expect(await exists(spool.dir)).toBe(false);
  });

  it("uses a random key per spool: the same plaintext encrypts differently", async () => {
    const store = new RecordingTempStore();
    const [a, b] = [await EncryptedSpool.open(store), await EncryptedSpool.open(store)];
    const [ea, eb] = [await a.write(Readable.from([plain])), await b.write(Readable.from([plain]))];
    expect((await readFile(ea.path)).equals(await readFile(eb.path))).toBe(false);
    await Promise.all([a.dispose(), b.dispose()]);
  });

  it("refuses a spool file that was altered (AES-GCM authentication)", async () => {
    const spool = await EncryptedSpool.open(new RecordingTempStore());
    const entry = await spool.write(Readable.from([plain]));
    const bytes = await readFile(entry.path);
    bytes[100] = bytes[100]! ^ 1;
    await writeFile(entry.path, bytes);
    await expect(readAll(spool.read(entry))).rejects.toThrow(/authenticate/);
    await spool.dispose();
  });

  it("never writes plaintext to disk during a tar run", async () => {
    const tempStore = new RecordingTempStore();
    const seen: Buffer[] = [];
    let reads = 0;
    // The second read happens while the first chunk is being spooled: look at the disk then.
    const body = new Readable({
      read() {
        reads++;
        if (reads === 1) this.push(plain);
        else if (reads === 2)
          void (async () => {
            await sleep(50);
            for (const name of await readdir(tempStore.created[0]!)) seen.push(await readFile(join(tempStore.created[0]!, name)));
            this.push(null);
          })();
      },
    });
    const { out } = await compressAll(make("tar"), files({ name: "a.csv", body, contentType: "text/csv" }), "t", tempStore);
    expect(seen.length).toBe(1);
    expect(seen[0]!.length).toBe(plain.length);
    expect(seen[0]!.includes(Buffer.from(MARKER))).toBe(false);
    expect(out.get("t.tar")!.bytes.includes(plain)).toBe(true); // …while the archive holds it
    expect(await exists(tempStore.created[0]!)).toBe(false);
  });

  it("removes each entry's spool file once the entry is in the archive", async () => {
    const tempStore = new RecordingTempStore();
    let filesOnDiskAtSecond = -1;
    async function* inputs() {
      yield bufferFile("a.csv", plain);
      filesOnDiskAtSecond = (await readdir(tempStore.created[0]!)).length;
      yield bufferFile("b.csv", plain);
    }
    await compressAll(make("tgz"), inputs(), "t", tempStore);
    expect(filesOnDiskAtSecond).toBe(0);
  });
});
