import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describeCompressor } from "@conveyor/testkit/conformance";
import { tarPlugin, tgzPlugin, zipPlugin } from "../src/index.js";
import { readTree, withTempDir } from "./helpers.js";
import { runTool } from "@conveyor/testkit";

/** Unpacks with the system's tar or unzip — independent of the libraries that wrote it. */
const unpackWith = (command: "tar" | "unzip", flags: string[]) => (_name: string, bytes: Buffer) =>
  withTempDir(async (dir) => {
    const archive = join(dir, "archive");
    const out = join(dir, "out");
    await writeFile(archive, bytes);
    await mkdir(out);
    await runTool(command, command === "tar" ? [...flags, archive, "-C", out] : [...flags, archive, "-d", out]);
    return readTree(out);
  });

describeCompressor(tarPlugin, {
  settings: {},
  archive: true,
  unpack: unpackWith("tar", ["-xf"]),
  invalidSettings: [{ why: "tar takes no compression level", settings: { compression_level: 6 }, path: "" }],
});
describeCompressor(tgzPlugin, {
  settings: { compression_level: 6 },
  archive: true,
  unpack: unpackWith("tar", ["-xzf"]),
  invalidSettings: [{ why: "the level is 0", settings: { compression_level: 0 }, path: "compression_level" }],
});
describeCompressor(zipPlugin, {
  settings: { compression_level: 9 },
  archive: true,
  unpack: unpackWith("unzip", ["-q"]),
  invalidSettings: [{ why: "the level is not a number", settings: { compression_level: "high" }, path: "compression_level" }],
});
