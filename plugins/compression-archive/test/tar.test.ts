import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { bufferFile, failingFile } from "@conveyor/testkit/conformance";
import { describe, expect, it } from "vitest";
import { compressAll, exists, files, make, readTree, RecordingTempStore, withTempDir } from "./helpers.js";
import { runTool } from "@conveyor/testkit";

const csv = Buffer.from("id,name\n1,Åsa\n2,\"Le, Count\"\n".repeat(50_000)); // ~1.4 MB
const parts = [Buffer.from("PAR1 part zero"), Buffer.from("PAR1 part one, a little longer")];

describe.each([
  ["tar", ".tar", "application/x-tar", ["-xf"]],
  ["tgz", ".tgz", "application/gzip", ["-xzf"]],
] as const)("%s", (id, extension, contentType, extractFlags) => {
  it(`puts all files in one ${extension} named after the base name, which the system tar unpacks to the same bytes`, async () => {
    const inputs = files(bufferFile("query_name_2025_01_31/0000001.csv", csv), bufferFile("query_name_2025_01_31/0000002.csv", Buffer.from("id\n3\n")));
    const { out } = await compressAll(make(id), inputs);
    expect([...out.keys()]).toEqual([`query_name_2025_01_31${extension}`]);
    const archive = out.get(`query_name_2025_01_31${extension}`)!;
    expect(archive.contentType).toBe(contentType);
    await withTempDir(async (dir) => {
      await writeFile(join(dir, "archive"), archive.bytes);
      await mkdir(join(dir, "out"));
      await runTool("tar", [...extractFlags, join(dir, "archive"), "-C", join(dir, "out")]);
      expect(await readTree(join(dir, "out"))).toEqual(
        new Map([
          ["query_name_2025_01_31/0000001.csv", csv],
          ["query_name_2025_01_31/0000002.csv", Buffer.from("id\n3\n")],
        ]),
      );
    });
  });

  it("keeps a Parquet directory as a directory entry with its part files", async () => {
    const inputs = files(bufferFile("t.parquet/part-00000.parquet", parts[0]!), bufferFile("t.parquet/part-00001.parquet", parts[1]!));
    const { out } = await compressAll(make(id), inputs, "t");
    const listing = (await runTool("tar", [extension === ".tgz" ? "-tzvf" : "-tvf", "-"], { input: out.get(`t${extension}`)!.bytes })).toString();
    const lines = listing.trim().split("\n");
    expect(lines.map((l) => l.split(/\s+/).at(-1))).toEqual(["t.parquet/", "t.parquet/part-00000.parquet", "t.parquet/part-00001.parquet"]);
    expect(lines[0]!.startsWith("d")).toBe(true);
  });

  it("removes its encrypted spool files when the run succeeds", async () => {
    const { tempStore } = await compressAll(make(id), files(bufferFile("a.csv", csv)));
    expect(tempStore.created).toHaveLength(1);
    expect(await exists(tempStore.created[0]!)).toBe(false);
  });

  it("removes its spool files and fails when an input fails", async () => {
    const tempStore = new RecordingTempStore();
    const run = compressAll(make(id), files(bufferFile("a.csv", csv), failingFile("b.csv", new Error("formatter broke"))), "t", tempStore);
    await expect(run).rejects.toThrow("formatter broke");
    expect(tempStore.created).toHaveLength(1);
    expect(await exists(tempStore.created[0]!)).toBe(false);
  });
});

describe("tgz", () => {
  it("passes `gzip -t` and honours compression_level", async () => {
    const sizes: number[] = [];
    for (const level of [1, 9]) {
      const { out } = await compressAll(make("tgz", { compression_level: level }), files(bufferFile("a.csv", csv)), "t");
      await runTool("gzip", ["-t"], { input: out.get("t.tgz")!.bytes });
      sizes.push(out.get("t.tgz")!.bytes.length);
    }
    expect(sizes[0]!).toBeGreaterThan(sizes[1]!);
  });
});
