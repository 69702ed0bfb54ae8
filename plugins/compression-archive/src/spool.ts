import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { pipeline, type Readable } from "node:stream";
import { pipeline as pipelineAsync } from "node:stream/promises";
import type { TempStore } from "@conveyor/core";

export interface SpooledEntry {
  readonly path: string;
  /** Plaintext size (AES-GCM is a stream mode: the ciphertext has the same length). */
  readonly size: number;
  readonly iv: Buffer;
  readonly tag: Buffer;
}

/**
 * Temporary files for entries whose size must be known before they are written (a tar header
 * comes first). Everything is encrypted with AES-256-GCM under a key that lives only in this
 * object's memory, so plaintext never touches the disk; `dispose()` removes the directory.
 */
export class EncryptedSpool {
  private readonly key = randomBytes(32);
  private count = 0;

  private constructor(readonly dir: string) {}

  static async open(tempStore: TempStore): Promise<EncryptedSpool> {
    return new EncryptedSpool(await tempStore.createDir("archive-spool"));
  }

  async write(body: Readable, signal?: AbortSignal): Promise<SpooledEntry> {
    const iv = randomBytes(12); // a fresh nonce per entry: GCM must never reuse one under a key
    const path = join(this.dir, `${++this.count}.spool`);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const file = createWriteStream(path);
    await pipelineAsync(body, cipher, file, ...(signal ? [{ signal }] : []));
    return { path, size: file.bytesWritten, iv, tag: cipher.getAuthTag() };
  }

  /** The plaintext again; fails (authentication) if the file was altered. */
  read(entry: SpooledEntry): Readable {
    const decipher = createDecipheriv("aes-256-gcm", this.key, entry.iv);
    decipher.setAuthTag(entry.tag);
    pipeline(createReadStream(entry.path), decipher, () => {
      // pipeline destroys `decipher` with any error; its reader sees it there.
    });
    return decipher;
  }

  async remove(entry: SpooledEntry): Promise<void> {
    await rm(entry.path, { force: true });
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
