import { z } from "zod";
import type { Compressor, Encryptor, OutputFile, StageContext } from "../contracts.js";
import { API_VERSION, definePlugin } from "../plugin.js";
import { implementationToken } from "../tokens.js";

/** The `none` compressor: files pass through unchanged. */
export class NoCompression implements Compressor {
  readonly extension = "";
  compress(files: AsyncIterable<OutputFile>): AsyncIterable<OutputFile> {
    return files;
  }
}

/** What the pipeline uses when a destination sets no encryption. */
export class NoEncryption implements Encryptor {
  readonly extension = "";
  async encrypt(file: OutputFile, _context: StageContext): Promise<OutputFile> {
    return file;
  }
}

export const noCompressionPlugin = definePlugin({
  id: "none",
  kind: "compressor",
  version: "0.1.0",
  apiVersion: API_VERSION,
  displayName: "No compression",
  description: "Files are written as the formatter produced them.",
  settings: z.object({}).strict(),
  register(container) {
    container.register(implementationToken("compressor", "none"), { useClass: NoCompression });
  },
});
