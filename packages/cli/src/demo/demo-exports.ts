/** The demo's three exports: a job name, what it shows, and the destination's settings. */
export interface DemoExport {
  name: string;
  title: string;
  destination: Record<string, unknown>;
}

export function demoExports(publicKey: string): DemoExport[] {
  return [
    {
      name: "customers_csv",
      title: "CSV + gzip + PGP, with a success file",
      destination: { prefix: "demo/csv", format: "csv", compression: "gzip", pgp_public_key: publicKey, success_file: true },
    },
    { name: "customers_parquet", title: "Parquet in a tgz", destination: { prefix: "demo/parquet", format: "parquet", compression: "tgz" } },
    // 50,000 rows of ~117 bytes split every 2 MB: three files.
    { name: "customers_tsv", title: "TSV split into 3 files", destination: { prefix: "demo/tsv", format: "tsv", split: { megabytes: 2 } } },
  ];
}
