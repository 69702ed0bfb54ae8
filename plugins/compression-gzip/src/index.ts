import { API_VERSION, compressionLevel, definePlugin, implementationToken } from "@conveyor/core";
import { z } from "zod";
import { GzipCompressor } from "./compressor.js";

export { GzipCompressor, type GzipSettings } from "./compressor.js";

export const gzipPlugin = definePlugin({
  id: "gzip",
  kind: "compressor",
  version: "0.1.0",
  apiVersion: API_VERSION,
  displayName: "gzip",
  description: "Compresses each file with gzip (node:zlib) and appends .gz.",
  settings: z.object({ compression_level: compressionLevel }).strict(),
  register(container) {
    container.register(implementationToken("compressor", "gzip"), { useClass: GzipCompressor });
  },
});

export default gzipPlugin;
