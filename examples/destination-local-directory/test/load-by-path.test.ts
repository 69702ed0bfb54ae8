import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { jobSchema, PluginHost, runJob } from "@conveyor/core";
import { customerRows, customerSchema } from "@conveyor/testkit";
import { describe, expect, it } from "vitest";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");

describe("loaded by path through the plugin host, as a host application would", () => {
  it("is found through its package.json manifest and runs a job", async () => {
    const host = new PluginHost();
    expect(await host.loadPath(packageDir)).toBe(1);
    expect(host.refused).toEqual([]);
    expect(host.list("destination").map((p) => [p.plugin.id, p.packageName])).toEqual([
      ["local-directory", "@conveyor-example/destination-local-directory"],
    ]);

    const directory = await mkdtemp(join(tmpdir(), "conveyor-example-"));
    const job = jobSchema.parse({
      name: "customers",
      destination: { plugin: "local-directory", settings: { directory, format: "jsonl", format_settings: { rows_per_file: 400 }, success_file: true } },
      template: { file_name: "customers_{{ now|format:'yyyy_MM_dd' }}" },
    });
    const run = await runJob({ host, job, rows: customerRows(1_000), schema: customerSchema, clock: { now: () => new Date("2025-01-31T08:00:00Z"), sleep: async () => {} } });
    expect(run.failure).toBeUndefined();
    expect(run.report?.rows).toBe(1_000);
    expect(await readdir(join(directory, "customers_2025_01_31"))).toEqual(["0000001.jsonl", "0000002.jsonl", "0000003.jsonl"]);
    const done = JSON.parse(await readFile(join(directory, "customers_2025_01_31.DONE"), "utf8")) as { rows: number; objects: unknown[] };
    expect(done).toMatchObject({ rows: 1_000 });
    expect(done.objects).toHaveLength(3);
  });
});
