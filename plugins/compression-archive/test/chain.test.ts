import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import gzipPlugin from "@conveyor/compression-gzip";
import { MemorySink, runFilePipeline, type Compressor, type ConnectorPlugin, type Encryptor, type Formatter, type Row } from "@conveyor/core";
import pgpPlugin from "@conveyor/encryption-pgp";
import delimitedPlugins from "@conveyor/format-delimited";
import { customerRows, customerSchema, runTool } from "@conveyor/testkit";
import { hostWith, stageContext } from "@conveyor/testkit/conformance";
import { parse } from "csv-parse/sync";
import { decrypt, generateKey, readMessage, readPrivateKey } from "openpgp";
import { beforeAll, describe, expect, it } from "vitest";
import archivePlugins from "../src/index.js";
import { readTree, withTempDir } from "./helpers.js";

/**
 * The spec's table (§3): every format × compression × pgp chain, through the real pipeline,
 * gives the documented object names, and the bytes — decrypted, unpacked with system tools and
 * parsed by csv-parse — are the input rows.
 */
const T = "query_name_2025_01_31";
const DELIMITERS: Record<string, string> = { csv: ",", tsv: "\t", psv: "|" };

let key: { publicKey: string; privateKey: string };
beforeAll(async () => {
  key = await generateKey({ type: "ecc", curve: "curve25519Legacy", userIDs: [{ email: "chain@example.com" }], format: "armored" });
});

const host = () => {
  const [first, ...rest] = [...delimitedPlugins, gzipPlugin, ...archivePlugins, pgpPlugin] as ConnectorPlugin[];
  return hostWith(first!, rest);
};

async function run(format: string, compression: string, pgp: boolean, rows: number, split?: { rows: number }) {
  const h = host();
  const formatter = h.createSync<Formatter>("formatter", format, split ? { split } : {});
  const compressor = compression === "none" ? undefined : h.createSync<Compressor>("compressor", compression, {});
  const encryptor = pgp ? h.createSync<Encryptor>("encryptor", "pgp", { public_key: key.publicKey }) : undefined;
  const sink = new MemorySink();
  await runFilePipeline(customerRows(rows), { formatter, compressor, encryptor, sink }, stageContext({ schema: customerSchema, baseName: T }));
  return new Map([...sink.files].map(([name, f]) => [name, f.bytes]));
}

async function decryptBytes(bytes: Buffer): Promise<Buffer> {
  const { data } = await decrypt({
    message: await readMessage({ binaryMessage: bytes }),
    decryptionKeys: await readPrivateKey({ armoredKey: key.privateKey }),
    format: "binary",
  });
  return Buffer.from(data);
}

/** Object → the delimited files inside it, by entry name (system gzip/tar/unzip). */
async function unpack(name: string, bytes: Buffer, compression: string): Promise<Map<string, Buffer>> {
  if (compression === "none") return new Map([[name, bytes]]);
  if (compression === "gzip") return new Map([[name.replace(/\.gz$/, ""), await runTool("gzip", ["-dc"], { input: bytes })]]);
  return withTempDir(async (dir) => {
    await writeFile(join(dir, "archive"), bytes);
    await mkdir(join(dir, "out"));
    if (compression === "zip") await runTool("unzip", ["-q", join(dir, "archive"), "-d", join(dir, "out")]);
    else await runTool("tar", [compression === "tgz" ? "-xzf" : "-xf", join(dir, "archive"), "-C", join(dir, "out")]);
    return readTree(join(dir, "out"));
  });
}

const asText = (row: Row) => row.map((v) => (v === null ? "" : v instanceof Date ? v.toISOString() : String(v)));

const cases: Array<{ format: string; compression: string; pgp: boolean; split?: boolean; objects: string[]; inside: string[] }> = [
  { format: "csv", compression: "none", pgp: false, objects: [`${T}.csv`], inside: [`${T}.csv`] },
  { format: "tsv", compression: "gzip", pgp: false, objects: [`${T}.tsv.gz`], inside: [`${T}.tsv`] },
  { format: "psv", compression: "tar", pgp: false, objects: [`${T}.tar`], inside: [`${T}.psv`] },
  { format: "csv", compression: "tgz", pgp: false, objects: [`${T}.tgz`], inside: [`${T}.csv`] },
  { format: "csv", compression: "zip", pgp: false, objects: [`${T}.zip`], inside: [`${T}.csv`] },
  { format: "csv", compression: "none", pgp: true, objects: [`${T}.csv.pgp`], inside: [`${T}.csv`] },
  { format: "csv", compression: "gzip", pgp: true, objects: [`${T}.csv.gz.pgp`], inside: [`${T}.csv`] },
  { format: "csv", compression: "tgz", pgp: true, objects: [`${T}.tgz.pgp`], inside: [`${T}.csv`] },
  { format: "tsv", compression: "tar", pgp: true, objects: [`${T}.tar.pgp`], inside: [`${T}.tsv`] },
  { format: "psv", compression: "zip", pgp: true, objects: [`${T}.zip.pgp`], inside: [`${T}.psv`] },
  { format: "csv", compression: "gzip", pgp: true, split: true, objects: [`${T}/0000001.csv.gz.pgp`, `${T}/0000002.csv.gz.pgp`], inside: [`${T}/0000001.csv`, `${T}/0000002.csv`] },
  { format: "tsv", compression: "zip", pgp: true, split: true, objects: [`${T}.zip.pgp`], inside: [`${T}/0000001.tsv`, `${T}/0000002.tsv`] },
];

describe("format × compression × pgp chains", () => {
  for (const c of cases) {
    const title = `${c.format}${c.split ? " split" : ""} + ${c.compression}${c.pgp ? " + pgp" : ""} → ${c.objects.join(", ")}`;
    it(title, async () => {
      const rowCount = c.split ? 60_000 : 2_000;
      const objects = await run(c.format, c.compression, c.pgp, rowCount, c.split ? { rows: 50_000 } : undefined);
      expect([...objects.keys()]).toEqual(c.objects);
      const entries = new Map<string, Buffer>();
      for (const [name, bytes] of objects) {
        const plain = c.pgp ? await decryptBytes(bytes) : bytes;
        for (const [entry, content] of await unpack(name.replace(/\.pgp$/, ""), plain, c.compression)) entries.set(entry, content);
      }
      expect([...entries.keys()].sort()).toEqual(c.inside);
      const read = c.inside.flatMap((entry) => parse(entries.get(entry)!, { delimiter: DELIMITERS[c.format]!, from_line: 2 }) as string[][]);
      const expected: string[][] = [];
      for await (const row of customerRows(rowCount)) expected.push(asText(row));
      expect(read).toEqual(expected);
    });
  }
});
