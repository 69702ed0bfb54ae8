import { gunzipSync } from "node:zlib";
import { describeCompressor } from "@conveyor/testkit/conformance";
import gzipPlugin from "../src/index.js";
import { runTool } from "@conveyor/testkit";

describeCompressor(gzipPlugin, {
  settings: { compression_level: 6 },
  archive: false,
  // The system's gzip is the independent reader; zlib's gunzip confirms the same bytes.
  unpack: async (name, bytes) => {
    const restored = await runTool("gzip", ["-dc"], { input: bytes });
    if (!restored.equals(gunzipSync(bytes))) throw new Error(`${name}: gzip and zlib disagree`);
    return new Map([[name, restored]]);
  },
  invalidSettings: [{ why: "the level is 10", settings: { compression_level: 10 }, path: "compression_level" }],
});
