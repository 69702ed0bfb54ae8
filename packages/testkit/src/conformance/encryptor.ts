import { appendExtension, DiscardSink, type ConnectorPlugin, type Encryptor } from "@conveyor/core";
import { describe, expect, it } from "vitest";
import { stageContext } from "./context.js";
import { describeDefinition, hostWith, platformOf, resolveFixture, type SettingsFixtures } from "./definition.js";
import { bufferFile, failingFile, lazyFile, producedAtFirstByte, readAll } from "./streams.js";

export interface EncryptorFixtures extends SettingsFixtures {
  /** Decrypts with an independent path (the private key, a system tool). */
  decrypt: (bytes: Buffer) => Promise<Buffer>;
}

/** The encryptor contract: naming, round trip through decryption, streaming, errors. */
export function describeEncryptor(plugin: ConnectorPlugin, fixtures: EncryptorFixtures): void {
  const make = async () =>
    hostWith(plugin, fixtures.plugins ?? [], await platformOf(fixtures)).createSync<Encryptor>("encryptor", plugin.id, await resolveFixture(fixtures.settings));

  describe(`encryptor "${plugin.id}" conformance`, () => {
    describeDefinition(plugin, "encryptor", fixtures);

    it("appends its extension and round-trips through decryption", async () => {
      const encryptor = await make();
      expect(encryptor.extension).toMatch(/^\.[a-z0-9]+$/);
      const plain = Buffer.from("id,name\n1,Åsa\n2,\"Le, Count\"\n");
      const out = await encryptor.encrypt(bufferFile("exports.csv.gz", plain), stageContext());
      expect(out.name).toBe(appendExtension("exports.csv.gz", encryptor.extension));
      const cipher = await readAll(out.body);
      expect(cipher.includes(plain)).toBe(false);
      expect((await fixtures.decrypt(cipher)).equals(plain)).toBe(true);
    });

    it("streams: output starts before the input has been read to its end", async () => {
      const encryptor = await make();
      const big = lazyFile("big.bin", 256); // 16 MiB
      const out = await encryptor.encrypt(big.file, stageContext());
      expect(await producedAtFirstByte(out.body, big.produced)).toBeLessThan(16 * 1024 * 1024);
    });

    it("fails when the input body fails, instead of hanging or finishing", async () => {
      const encryptor = await make();
      const failure = new Error("input body failed");
      const run = async () => new DiscardSink().write(await encryptor.encrypt(failingFile("broken.csv", failure), stageContext()));
      await expect(run()).rejects.toThrow(failure.message);
    });
  });
}
