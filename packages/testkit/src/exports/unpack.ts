import { Readable } from "node:stream";
import { gunzipSync } from "node:zlib";
import * as openpgp from "openpgp";
import { extract } from "tar-stream";
import yauzl from "yauzl";

export interface UnpackOptions {
  /** The PGP private key (armored or parsed) for `.pgp` objects. */
  privateKey?: string | openpgp.PrivateKey;
  passphrase?: string;
}

/**
 * Reads an export back the way its recipient would, with libraries other than the ones that
 * wrote it: each object decrypted (`.pgp`), decompressed (`.gz`) and unpacked (`.tar`, `.tgz`,
 * `.zip`), down to the formatted files. Keys of the result: the object key for plain and gzip
 * files; `archive key!entry name` for files inside an archive.
 */
export async function unpackObjects(objects: ReadonlyMap<string, Buffer>, options: UnpackOptions = {}): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const [key, stored] of objects) {
    let name = key;
    let bytes = stored;
    if (name.endsWith(".pgp")) {
      bytes = await decryptPgp(bytes, options);
      name = name.slice(0, -4);
    }
    if (name.endsWith(".tgz")) for (const [entry, data] of await untar(gunzipSync(bytes))) files.set(`${name}!${entry}`, data);
    else if (name.endsWith(".tar")) for (const [entry, data] of await untar(bytes)) files.set(`${name}!${entry}`, data);
    else if (name.endsWith(".zip")) for (const [entry, data] of await unzip(bytes)) files.set(`${name}!${entry}`, data);
    else if (name.endsWith(".gz")) files.set(name.slice(0, -3), gunzipSync(bytes));
    else files.set(name, bytes);
  }
  return files;
}

export async function decryptPgp(bytes: Buffer, options: UnpackOptions): Promise<Buffer> {
  if (!options.privateKey) throw new Error("a .pgp object needs options.privateKey to be read back");
  let key = typeof options.privateKey === "string" ? await openpgp.readPrivateKey({ armoredKey: options.privateKey }) : options.privateKey;
  if (options.passphrase) key = await openpgp.decryptKey({ privateKey: key, passphrase: options.passphrase });
  const { data } = await openpgp.decrypt({ message: await openpgp.readMessage({ binaryMessage: bytes }), decryptionKeys: key, format: "binary" });
  return Buffer.from(data as Uint8Array);
}

async function untar(bytes: Buffer): Promise<Map<string, Buffer>> {
  const entries = new Map<string, Buffer>();
  const reader = extract();
  reader.on("entry", (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: unknown) => chunks.push(c as Buffer));
    stream.on("end", () => {
      if (header.type === "file") entries.set(header.name, Buffer.concat(chunks));
      next();
    });
  });
  await new Promise<void>((resolve, reject) => {
    reader.on("finish", resolve).on("error", reject);
    Readable.from([bytes]).pipe(reader);
  });
  return entries;
}

function unzip(bytes: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    const entries = new Map<string, Buffer>();
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error("unreadable zip"));
      zip.on("entry", (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith("/")) return zip.readEntry();
        zip.openReadStream(entry, (err, stream) => {
          if (err || !stream) return reject(err ?? new Error(`unreadable entry ${entry.fileName}`));
          const chunks: Buffer[] = [];
          stream.on("data", (c: Buffer) => chunks.push(c));
          stream.on("end", () => {
            entries.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
          stream.on("error", reject);
        });
      });
      zip.on("end", () => resolve(entries));
      zip.on("error", reject);
      zip.readEntry();
    });
  });
}
