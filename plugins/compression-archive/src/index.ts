import { API_VERSION, compressionLevel, definePlugin, implementationToken, TOKENS, type Compressor } from "@conveyor/core";
import { z } from "zod";
import { TarCompressor, TgzCompressor, ZipCompressor } from "./compressors.js";

export { TarCompressor, TgzCompressor, ZipCompressor } from "./compressors.js";
export { EncryptedSpool, type SpooledEntry } from "./spool.js";

const levelSettings = z.object({ compression_level: compressionLevel }).strict();

function archivePlugin<S extends z.ZodType>(id: string, displayName: string, description: string, settings: S, make: (settings: z.output<S>) => Compressor) {
  return definePlugin({
    id,
    kind: "compressor",
    version: "0.1.0",
    apiVersion: API_VERSION,
    displayName,
    description,
    settings,
    register(container) {
      container.register(implementationToken("compressor", id), {
        useFactory: (scope) => make(scope.resolve<z.output<S>>(TOKENS.settings)),
      });
    },
  });
}

export const tarPlugin = archivePlugin(
  "tar",
  "tar",
  "All files of the run in one tar archive (T.tar); entries keep their names.",
  z.object({}).strict(),
  () => new TarCompressor(),
);
export const tgzPlugin = archivePlugin(
  "tgz",
  "tgz (tar + gzip)",
  "All files of the run in one gzip-compressed tar archive (T.tgz).",
  levelSettings,
  (settings) => new TgzCompressor(settings),
);
export const zipPlugin = archivePlugin(
  "zip",
  "zip",
  "All files of the run in one zip archive (T.zip), deflated, ZIP64 when needed.",
  levelSettings,
  (settings) => new ZipCompressor(settings),
);

export default [tarPlugin, tgzPlugin, zipPlugin];
