import { appendExtension, gzipStream, inject, injectable, TOKENS, type Compressor, type OutputFile } from "@conveyor/core";

export interface GzipSettings {
  compression_level: number;
}

/** One `.gz` per file, streamed. */
@injectable()
export class GzipCompressor implements Compressor {
  readonly extension = ".gz";

  constructor(@inject(TOKENS.settings) private readonly settings: GzipSettings) {}

  async *compress(files: AsyncIterable<OutputFile>): AsyncGenerator<OutputFile> {
    for await (const file of files) {
      yield {
        name: appendExtension(file.name, this.extension),
        body: gzipStream(file.body, this.settings.compression_level),
        contentType: "application/gzip",
      };
    }
  }
}
