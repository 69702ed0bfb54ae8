/**
 * The delimited-file stages: CSV formatting, gzip and PGP, each against a baseline measured in
 * the same run (Parquet has its own file).
 */
import { pipeline } from "node:stream/promises";
import { Writable } from "node:stream";
import { createGzip } from "node:zlib";
import gzipPlugin from "@conveyor/compression-gzip";
import {
  createLogger,
  DiscardSink,
  OsTempStore,
  PluginHost,
  runFilePipeline,
  type Compressor,
  type ConnectorPlugin,
  type Encryptor,
  type Formatter,
  type Row,
  type StageContext,
} from "@conveyor/core";
import pgpPlugin from "@conveyor/encryption-pgp";
import delimitedPlugins from "@conveyor/format-delimited";
import { customerRows, customerSchema } from "@conveyor/testkit";
import type { Measurement, Scenario, Variant } from "../harness.js";

/**
 * A variant with untimed set-up. The runner times `run` only; until it calls `prepare` first,
 * `run` prepares itself (timed, which flatters the subject of `csv-gzip` — say so in results).
 */
export interface PreparedVariant extends Variant {
  prepare?(options: { rows: number }): Promise<void>;
}

const BATCH_CHARS = 64 * 1024;

/** A Curve25519 public key made for the benchmark; its private key was never kept (nothing here decrypts). */
const BENCH_PUBLIC_KEY = `-----BEGIN PGP PUBLIC KEY BLOCK-----

xjMEawI8HhYJKwYBBAHaRw8BAQdATEOLfjEAhqzGoXL9QjXx2kujF6lI73fh
qzZNdnjteijNIkNvbnZleW9yIEJlbmNoIDxiZW5jaEBleGFtcGxlLmNvbT7C
wBMEExYKAIUFgmsCPB4DCwkHCRDis3dW0XvgY0UUAAAAAAAcACBzYWx0QG5v
dGF0aW9ucy5vcGVucGdwanMub3Jny6mvV2XQ47MztsSHPog95iCo6yqe1j03
DPn5ls4DIAoFFQoIDgwEFgACAQIZAQKbAwIeARYhBOd22zu7rwAW/BJSBOKz
d1bRe+BjAAC44wD/d3XcSnVQeSE3cz6BxfqS5wvtaX5eTauYbH2HWDJMlwwB
AL2dh0NJg+IEmmE3/HJ3FdWQ+2mRbKh6guqQcdsi2WQPzjgEawI8HhIKKwYB
BAGXVQEFAQEHQENGzyWUdCK35M5jgMjOOW64jZAsUvkun62PM1ZGlEhsAwEI
B8K+BBgWCgBwBYJrAjweCRDis3dW0XvgY0UUAAAAAAAcACBzYWx0QG5vdGF0
aW9ucy5vcGVucGdwanMub3JnkAnwKa/61b7cRN7EpQZkgm/RVBr33RsWN+Zv
x6usc9sCmwwWIQTndts7u68AFvwSUgTis3dW0XvgYwAAvZoBAMg+vmWT/q3S
WsW+LT8E6Ni0vCrXO04HVP8OQ9/GIL7jAP44aq0WxDWPZtDHpDUaSIwtR9E5
0fOZ0nUFWjiZnfPKCQ==
=thY1
-----END PGP PUBLIC KEY BLOCK-----
`;

function context(): StageContext {
  return {
    schema: customerSchema,
    baseName: "customers",
    partName: (n) => `customers/${String(n).padStart(7, "0")}`,
    signal: new AbortController().signal,
    tempStore: new OsTempStore(),
    logger: createLogger({ level: "silent" }),
  };
}

function host(): PluginHost {
  const h = new PluginHost({ logger: createLogger({ level: "silent" }) });
  for (const plugin of [...delimitedPlugins, gzipPlugin, pgpPlugin] as ConnectorPlugin[]) h.add(plugin, "bench");
  return h;
}

/** The floor: each row `join(',')`ed by hand (ISO timestamps, no quoting), in 64 KB batches. */
async function* joinedCsv(rows: number): AsyncGenerator<Buffer> {
  const text = (v: Row[number]) => (v === null ? "" : v instanceof Date ? v.toISOString() : String(v));
  let batch = customerSchema.columns.map((c) => c.name).join(",") + "\n";
  for await (const row of customerRows(rows)) {
    batch += row.map(text).join(",") + "\n";
    if (batch.length >= BATCH_CHARS) {
      yield Buffer.from(batch);
      batch = "";
    }
  }
  if (batch.length > 0) yield Buffer.from(batch);
}

async function joinLoop({ rows }: { rows: number }): Promise<Measurement> {
  let bytes = 0;
  for await (const chunk of joinedCsv(rows)) bytes += chunk.length;
  return { rows, bytes };
}

/** gzip alone over CSV bytes made beforehand (in `prepare`, untimed when the runner allows). */
function gzipAlone(): PreparedVariant {
  let csv: Buffer[] | undefined;
  const prepare = async ({ rows }: { rows: number }) => {
    csv = [];
    for await (const chunk of joinedCsv(rows)) csv.push(chunk);
  };
  return {
    label: "zlib gzip 6 alone (same CSV bytes)",
    prepare,
    async run({ rows }) {
      if (!csv) await prepare({ rows });
      let bytes = 0;
      await pipeline(
        csv!,
        createGzip({ level: 6 }),
        new Writable({
          write(chunk: Buffer, _e, cb) {
            bytes += chunk.length;
            cb();
          },
        }),
      );
      return { rows, bytes };
    },
  };
}

/** The real stages, created through the plugin host as a destination would. */
async function stages({ rows, gzip, pgp }: { rows: number; gzip: boolean; pgp: boolean }): Promise<Measurement> {
  const h = host();
  const formatter = h.createSync<Formatter>("formatter", "csv", {});
  const compressor = gzip ? h.createSync<Compressor>("compressor", "gzip", { compression_level: 6 }) : undefined;
  const encryptor = pgp ? await h.create<Encryptor>("encryptor", "pgp", { public_key: BENCH_PUBLIC_KEY }) : undefined;
  const result = await runFilePipeline(customerRows(rows), { formatter, compressor, encryptor, sink: new DiscardSink() }, context());
  return { rows: result.rows, bytes: result.bytes };
}

const csvOnly: Variant = { label: "csv formatter → discard", run: ({ rows }) => stages({ rows, gzip: false, pgp: false }) };
const csvGzip: Variant = { label: "csv + gzip 6 → discard", run: ({ rows }) => stages({ rows, gzip: true, pgp: false }) };
const csvGzipPgp: Variant = { label: "csv + gzip 6 + pgp → discard", run: ({ rows }) => stages({ rows, gzip: true, pgp: true }) };

export const scenarios: Scenario[] = [
  {
    name: "csv",
    description: "csv format → discard vs a hand-written join(',') loop over the same rows (the floor)",
    baseline: { label: "join(',') loop", run: joinLoop },
    subject: csvOnly,
    goal: { metric: "throughput", value: 0.85 },
  },
  {
    name: "csv-gzip",
    description: "csv + gzip 6 → discard vs zlib gzip alone over the same CSV bytes (formatting and gzip overlap on 2 cores)",
    baseline: gzipAlone(),
    subject: csvGzip,
    goal: { metric: "throughput", value: 0.85 },
  },
  {
    name: "csv-gzip-pgp",
    description: "csv + gzip 6 + pgp → discard vs csv + gzip 6",
    baseline: csvGzip,
    subject: csvGzipPgp,
    goal: { metric: "throughput", value: 0.9 },
  },
  {
    name: "csv-gzip-pgp-10x",
    description: "csv + gzip + pgp at 10× the rows vs the same at 1×: peak RSS stays flat",
    baseline: csvGzipPgp,
    subject: { ...csvGzipPgp, label: "csv + gzip 6 + pgp, 10× rows", rowsFactor: 10 },
    goal: { metric: "peak-rss", value: 1.1 },
  },
];

export default scenarios;
