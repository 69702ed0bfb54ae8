import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDelimited, parseParquet } from "@conveyor/testkit";
import { getObject, listKeys, readBack, row, send, startWorld, type S3World } from "./harness.js";

let world: S3World;
beforeAll(async () => void (world = await startWorld()));
afterAll(async () => world?.close());

const T = "export_2025_01_31";
const ROWS = 300;
const DELIMITERS = { csv: ",", tsv: "\t", psv: "|" } as const;

/** How a row reads back from a delimited file: text, nulls as the empty null value. */
const asText = (i: number) => row(i).map((v) => (v === null ? "" : String(v)));

async function expectDelimited(bytes: Buffer, format: keyof typeof DELIMITERS) {
  const [header, ...body] = await parseDelimited(bytes.toString("utf8"), DELIMITERS[format]);
  expect(header).toEqual(["id", "email", "note"]);
  expect(body).toEqual(Array.from({ length: ROWS }, (_, i) => asText(i + 1)));
}

async function expectParquet(parts: Buffer[]) {
  const read = (await Promise.all(parts.map(parseParquet))).flat();
  expect(read).toEqual(Array.from({ length: ROWS }, (_, i) => {
    const [id, email, note] = row(i + 1);
    return { id, email, note };
  }));
}

/** Spec §3: every format × compression × pgp gives exactly these objects, and they read back. */
const cases: Array<{ format: "csv" | "tsv" | "psv" | "parquet"; compression: string; pgp: boolean; exclude?: boolean; keys: string[]; inside?: string[] }> = [
  { format: "csv", compression: "none", pgp: false, keys: [`${T}.csv`] },
  { format: "tsv", compression: "gzip", pgp: false, keys: [`${T}.tsv.gz`] },
  { format: "psv", compression: "gzip", pgp: true, keys: [`${T}.psv.gz.pgp`] },
  { format: "csv", compression: "tar", pgp: false, keys: [`${T}.tar`], inside: [`${T}.csv`] },
  { format: "csv", compression: "tgz", pgp: true, keys: [`${T}.tgz.pgp`], inside: [`${T}.csv`] },
  { format: "tsv", compression: "zip", pgp: false, keys: [`${T}.zip`], inside: [`${T}.tsv`] },
  { format: "csv", compression: "none", pgp: true, keys: [`${T}.csv.pgp`] },
  { format: "parquet", compression: "none", pgp: false, keys: [`${T}.parquet/part-00000.parquet`] },
  { format: "parquet", compression: "none", pgp: false, exclude: true, keys: [`${T}/part-00000.parquet`] },
  { format: "parquet", compression: "tar", pgp: true, keys: [`${T}.tar.pgp`], inside: [`${T}.parquet/part-00000.parquet`] },
  { format: "parquet", compression: "tgz", pgp: false, exclude: true, keys: [`${T}.tgz`], inside: [`${T}/part-00000.parquet`] },
  { format: "parquet", compression: "zip", pgp: false, keys: [`${T}.zip`], inside: [`${T}.parquet/part-00000.parquet`] },
];

describe("objects written", () => {
  for (const c of cases) {
    const label = `${c.format} + ${c.compression}${c.pgp ? " + pgp" : ""}${c.exclude ? " (no .parquet on the folder)" : ""}`;
    it(`${label} → ${c.keys.join(", ")}`, async () => {
      const prefix = `names/${label.replace(/\W+/g, "-")}`;
      const run = await send(world, {
        prefix,
        format: c.format,
        compression: c.compression,
        success_file: true,
        ...(c.pgp ? { pgp_public_key: world.keys.publicKey } : {}),
        ...(c.exclude ? { exclude_parquet_extension: true } : {}),
      }, { rows: (async function* () { for (let i = 1; i <= ROWS; i++) yield row(i); })() });
      expect(run.failure).toBeUndefined();
      expect(await listKeys(world, `${prefix}/`)).toEqual([...c.keys.map((k) => `${prefix}/${k}`), `${prefix}/${T}.DONE`].sort());

      const files = await readBack(world, c.keys.map((k) => `${prefix}/${k}`));
      if (c.inside) expect([...files.keys()].map((k) => k.split("!")[1]).sort()).toEqual(c.inside);
      if (c.format === "parquet") await expectParquet([...files.values()]);
      else await expectDelimited([...files.values()][0]!, c.format);
    });
  }

  it("writes the success file last, unencrypted, with the run id, rows and each object's key, size and SHA-256", async () => {
    const prefix = "done";
    const run = await send(world, { prefix, format: "csv", compression: "gzip", pgp_public_key: world.keys.publicKey, success_file: true });
    const done = JSON.parse((await getObject(world, `${prefix}/${T}.DONE`)).toString("utf8")) as { run_id: string; rows: number; objects: { key: string; size: number; sha256: string }[] };
    expect(done.run_id).toBe(run.id);
    expect(done.rows).toBe(100);
    const object = await getObject(world, `${prefix}/${T}.csv.gz.pgp`);
    const { createHash } = await import("node:crypto");
    expect(done.objects).toEqual([{ key: `${prefix}/${T}.csv.gz.pgp`, size: object.length, sha256: createHash("sha256").update(object).digest("hex") }]);
    expect(run.tasks.at(-1)?.name).toBe(`success file ${prefix}/${T}.DONE`);
  });

  it("splits by rows into T/0000001.tsv … with a header in each, and keeps the prefix's leading slash out", async () => {
    const run = await send(world, { prefix: "/split/", format: "tsv", split: { rows: 50_000 } }, { rows: (async function* () { for (let i = 1; i <= 120_000; i++) yield row(i); })() });
    expect(run.failure).toBeUndefined();
    const keys = await listKeys(world, "split/");
    expect(keys).toEqual([`split/${T}/0000001.tsv`, `split/${T}/0000002.tsv`, `split/${T}/0000003.tsv`]);
    const counts = await Promise.all(keys.map(async (k) => (await parseDelimited((await getObject(world, k)).toString("utf8"), "\t")).length - 1));
    expect(counts).toEqual([50_000, 50_000, 20_000]);
  });
});
