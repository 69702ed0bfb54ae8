import { appendExtension, DiscardSink, type Compressor, type ConnectorPlugin, type OutputFile } from "@conveyor/core";
import { describe, expect, it } from "vitest";
import { stageContext } from "./context.js";
import { describeDefinition, hostWith, platformOf, resolveFixture, type SettingsFixtures } from "./definition.js";
import { bufferFile, failingFile, lazyFile, producedAtFirstByte, readAll } from "./streams.js";

export interface CompressorFixtures extends SettingsFixtures {
  /** True when all files go into one archive named after the base name (tar, tgz, zip). */
  archive: boolean;
  /**
   * Unpacks one output file with an independent tool or library into its entries
   * (name → bytes). For a per-file compressor, the one entry's name is ignored.
   */
  unpack: (name: string, bytes: Buffer) => Promise<Map<string, Buffer>>;
}

/** The compressor contract: naming, lossless round trip, streaming, errors. */
export function describeCompressor(plugin: ConnectorPlugin, fixtures: CompressorFixtures): void {
  const make = async () =>
    hostWith(plugin, fixtures.plugins ?? [], await platformOf(fixtures)).createSync<Compressor>("compressor", plugin.id, await resolveFixture(fixtures.settings));
  const inputs = () => [
    bufferFile("exports_2025_01_31/0000001.csv", Buffer.from("id,name\n1,Åsa\n2,\"Le, Count\"\n")),
    bufferFile("exports_2025_01_31/0000002.csv", Buffer.from("id,name\n3,Zoë\n")),
  ];

  describe(`compressor "${plugin.id}" conformance`, () => {
    describeDefinition(plugin, "compressor", fixtures);

    it("names its output from the chain", async () => {
      const compressor = await make();
      const context = stageContext({ baseName: "exports_2025_01_31" });
      const names: string[] = [];
      for await (const file of compressor.compress(source(inputs()), context)) {
        names.push(file.name);
        await readAll(file.body);
      }
      const expected = fixtures.archive
        ? [appendExtension("exports_2025_01_31", compressor.extension)]
        : inputs().map((f) => appendExtension(f.name, compressor.extension));
      expect(names).toEqual(expected);
    });

    it("loses nothing: unpacked output equals the input files", async () => {
      const compressor = await make();
      const originals = new Map<string, Buffer>();
      for (const f of inputs()) originals.set(f.name, await readAll(f.body));
      const unpacked = new Map<string, Buffer>();
      for await (const file of compressor.compress(source(inputs()), stageContext())) {
        const entries = await fixtures.unpack(file.name, await readAll(file.body));
        if (fixtures.archive) for (const [name, bytes] of entries) unpacked.set(name, bytes);
        else unpacked.set(file.name.slice(0, file.name.length - compressor.extension.length), [...entries.values()][0]!);
      }
      expect(new Map([...unpacked].map(([k, v]) => [k, v.toString("utf8")]))).toEqual(
        new Map([...originals].map(([k, v]) => [k, v.toString("utf8")])),
      );
    });

    if (!fixtures.archive) {
      it("streams: output starts before the input file has been read to its end", async () => {
        const compressor = await make();
        const big = lazyFile("big.bin", 256); // 16 MiB
        for await (const file of compressor.compress(source([big.file]), stageContext())) {
          expect(await producedAtFirstByte(file.body, big.produced)).toBeLessThan(16 * 1024 * 1024);
          break;
        }
      });
    }

    it("fails when an input body fails, instead of hanging or emitting a truncated file", async () => {
      const compressor = await make();
      const failure = new Error("input body failed");
      const run = async () => {
        for await (const file of compressor.compress(source([failingFile("broken.csv", failure)]), stageContext())) {
          await new DiscardSink().write(file);
        }
      };
      await expect(run()).rejects.toThrow(failure.message);
    });
  });
}

async function* source(files: OutputFile[]): AsyncGenerator<OutputFile> {
  yield* files;
}
