import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { OutputFile } from "@conveyor/core";
import { bufferFile } from "@conveyor/testkit/conformance";
import { describe, expect, it } from "vitest";
import yauzl from "yauzl";
import { compressAll, files, make, withTempDir } from "./helpers.js";
import { runTool } from "@conveyor/testkit";

const csv = Buffer.from("id,name\n1,Åsa\n2,\"Le, Count\"\n".repeat(50_000));

async function unzipTest(bytes: Buffer): Promise<string> {
  return withTempDir(async (dir) => {
    await writeFile(join(dir, "a.zip"), bytes);
    return (await runTool("unzip", ["-t", join(dir, "a.zip")])).toString();
  });
}

async function unzipEntry(bytes: Buffer, name: string): Promise<Buffer> {
  return withTempDir(async (dir) => {
    await writeFile(join(dir, "a.zip"), bytes);
    return runTool("unzip", ["-p", join(dir, "a.zip"), name]);
  });
}

function entryCount(bytes: Buffer): Promise<number> {
  return new Promise((resolve, reject) =>
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, zip) => (error ? reject(error) : (resolve(zip.entryCount), zip.close()))),
  );
}

describe("zip", () => {
  it("puts all files in one .zip that `unzip -t` accepts, entries byte-identical", async () => {
    const { out } = await compressAll(make("zip"), files(bufferFile("t/0000001.csv", csv), bufferFile("t/0000002.csv", Buffer.from("id\n3\n"))), "t");
    expect([...out.keys()]).toEqual(["t.zip"]);
    const zip = out.get("t.zip")!;
    expect(zip.contentType).toBe("application/zip");
    expect(await unzipTest(zip.bytes)).toMatch(/No errors detected/);
    expect((await unzipEntry(zip.bytes, "t/0000001.csv")).equals(csv)).toBe(true);
    expect((await unzipEntry(zip.bytes, "t/0000002.csv")).toString()).toBe("id\n3\n");
  });

  it("lists a Parquet directory entry before its parts", async () => {
    const { out } = await compressAll(make("zip"), files(bufferFile("t.parquet/part-00000.parquet", Buffer.from("PAR1"))), "t");
    const listing = await withTempDir(async (dir) => {
      await writeFile(join(dir, "a.zip"), out.get("t.zip")!.bytes);
      return (await runTool("unzip", ["-Z1", join(dir, "a.zip")])).toString();
    });
    expect(listing.trim().split("\n")).toEqual(["t.parquet/", "t.parquet/part-00000.parquet"]);
  });

  it("deflates with compression_level: level 1 is larger than level 9", async () => {
    const sizes: number[] = [];
    for (const level of [1, 9]) sizes.push((await compressAll(make("zip", { compression_level: level }), files(bufferFile("a.csv", csv)), "t")).out.get("t.zip")!.bytes.length);
    expect(sizes[0]!).toBeGreaterThan(sizes[1]!);
  });

  it("switches to ZIP64 past 65,535 entries, and `unzip -t` still accepts it", async () => {
    const count = 65_537;
    async function* many(): AsyncGenerator<OutputFile> {
      for (let i = 0; i < count; i++) yield { name: `e${i}.txt`, body: Readable.from([Buffer.from(String(i))]), contentType: "text/plain" };
    }
    const { out } = await compressAll(make("zip", { compression_level: 1 }), many(), "t");
    const bytes = out.get("t.zip")!.bytes;
    // The ZIP64 end-of-central-directory record's signature.
    expect(bytes.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true);
    expect(await entryCount(bytes)).toBe(count);
    expect(await unzipTest(bytes)).toMatch(/No errors detected/);
  }, 120_000);
});
