import { appendExtension, type Compressor, type OutputFile, type StageContext } from "@conveyor/core";
import { singleArchive, type ArchiveWriter } from "./single-archive.js";
import { TarWriter } from "./tar.js";
import { ZipWriter } from "./zip.js";

/** All files of the run in one archive named `T` + extension; entries keep their names. */
abstract class ArchiveCompressor implements Compressor {
  abstract readonly extension: string;
  protected abstract readonly contentType: string;
  protected abstract open(context: StageContext): Promise<ArchiveWriter>;

  async *compress(files: AsyncIterable<OutputFile>, context: StageContext): AsyncGenerator<OutputFile> {
    const writer = await this.open(context);
    yield* singleArchive(files, appendExtension(context.baseName, this.extension), this.contentType, writer);
  }
}

export class TarCompressor extends ArchiveCompressor {
  readonly extension = ".tar";
  protected readonly contentType = "application/x-tar";
  protected open(context: StageContext): Promise<ArchiveWriter> {
    return TarWriter.open(context.tempStore);
  }
}

export class TgzCompressor extends ArchiveCompressor {
  readonly extension = ".tgz";
  protected readonly contentType = "application/gzip";
  constructor(private readonly settings: { compression_level: number }) {
    super();
  }
  protected open(context: StageContext): Promise<ArchiveWriter> {
    return TarWriter.open(context.tempStore, this.settings.compression_level);
  }
}

export class ZipCompressor extends ArchiveCompressor {
  readonly extension = ".zip";
  protected readonly contentType = "application/zip";
  constructor(private readonly settings: { compression_level: number }) {
    super();
  }
  protected async open(): Promise<ArchiveWriter> {
    return new ZipWriter(this.settings.compression_level);
  }
}
