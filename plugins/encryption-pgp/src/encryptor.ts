import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { appendExtension, inject, injectable, TOKENS, type Encryptor, type OutputFile, type StageContext } from "@conveyor/core";
import { createMessage, encrypt, enums } from "openpgp";
import { readPublicKey, type UsablePublicKey } from "./key.js";
import { toWebStream } from "./web-streams.js";

export interface PgpSettings {
  public_key: string;
}

/** Each file becomes a binary OpenPGP message to the configured key, streamed. */
@injectable()
export class PgpEncryptor implements Encryptor {
  readonly extension = ".pgp";
  private key?: Promise<UsablePublicKey>;

  constructor(@inject(TOKENS.settings) private readonly settings: PgpSettings) {}

  async encrypt(file: OutputFile, context: StageContext): Promise<OutputFile> {
    let usable: UsablePublicKey;
    try {
      usable = await (this.key ??= readPublicKey(this.settings.public_key));
    } catch (error) {
      file.body.destroy();
      throw error;
    }
    context.logger.info({ file: file.name, key_id: usable.info.encryptionKeyId }, "encrypting with OpenPGP key");
    const message = await createMessage({ binary: toWebStream(file.body), format: "binary" });
    const encrypted = await encrypt({
      message,
      encryptionKeys: usable.key,
      format: "binary",
      // Files arrive compressed already (or deliberately not); compressing again costs CPU for nothing.
      config: { preferredCompressionAlgorithm: enums.compression.uncompressed },
    });
    return {
      name: appendExtension(file.name, this.extension),
      body: Readable.fromWeb(encrypted as NodeReadableStream<Uint8Array>),
      contentType: "application/pgp-encrypted",
    };
  }
}
