import { ConnectorError, type Compressor, type OutputFile } from "@conveyor/core";
import { bufferFile, hostWith, readAll, stageContext } from "@conveyor/testkit/conformance";
import { describe, expect, it } from "vitest";
import gzipPlugin from "../src/index.js";
import { runTool } from "@conveyor/testkit";

const make = (settings: unknown = {}) => hostWith(gzipPlugin).createSync<Compressor>("compressor", "gzip", settings);

async function* files(...list: OutputFile[]): AsyncGenerator<OutputFile> {
  yield* list;
}

async function compressAll(compressor: Compressor, inputs: OutputFile[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for await (const file of compressor.compress(files(...inputs), stageContext())) out.set(file.name, await readAll(file.body));
  return out;
}

describe("gzip", () => {
  it("writes one .gz per file that `gzip -t` accepts and `gzip -dc` restores byte for byte", async () => {
    const a = Buffer.from("id,name\n1,Åsa\n".repeat(1000));
    const b = Buffer.from("id,name\n2,Zoë\n");
    const out = await compressAll(make(), [bufferFile("t/0000001.csv", a), bufferFile("t/0000002.csv", b)]);
    expect([...out.keys()]).toEqual(["t/0000001.csv.gz", "t/0000002.csv.gz"]);
    for (const [name, original] of [["t/0000001.csv.gz", a], ["t/0000002.csv.gz", b]] as const) {
      await runTool("gzip", ["-t"], { input: out.get(name)! });
      expect((await runTool("gzip", ["-dc"], { input: out.get(name)! })).equals(original)).toBe(true);
    }
  });

  it("labels output application/gzip", async () => {
    for await (const file of make().compress(files(bufferFile("a.csv", Buffer.from("x"))), stageContext())) {
      expect(file.contentType).toBe("application/gzip");
      await readAll(file.body);
    }
  });

  it("uses compression_level: level 1 output is larger than level 9 output", async () => {
    const sizes: number[] = [];
    const text = Buffer.from(Array.from({ length: 50_000 }, (_, i) => `${i},name${i % 97},city${(i * 7) % 13}\n`).join(""));
    for (const level of [1, 9]) {
      const out = await compressAll(make({ compression_level: level }), [bufferFile("t.csv", text)]);
      sizes.push(out.get("t.csv.gz")!.length);
    }
    expect(sizes[0]!).toBeGreaterThan(sizes[1]!);
  });

  it("refuses a compression level outside 1–9, naming the setting", async () => {
    for (const level of [0, 10, 2.5]) {
      const error = await hostWith(gzipPlugin)
        .create("compressor", "gzip", { compression_level: level }, { path: "compression.settings" })
        .catch((e: unknown) => e);
      expect(ConnectorError.is(error) && error.code).toBe("settings.invalid");
      expect((error as ConnectorError).message).toContain("compression.settings.compression_level: must be");
    }
  });
});
