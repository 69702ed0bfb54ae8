import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  API_VERSION,
  ConnectorError,
  definePlugin,
  implementationToken,
  inject,
  injectable,
  jobSchema,
  LocalDirectorySink,
  PluginHost,
  FileRunStore,
  runFilePipeline,
  runJob,
  TOKENS,
  z,
  type Clock,
  type Destination,
  type DestinationContext,
  type Row,
  type Schema,
  type SendRequest,
} from "../src/index.js";

/** Writes JSON Lines files into a folder, one task per file; fails once when told to. */
@injectable()
class FolderDestination implements Destination {
  static failOnFile = 0;
  constructor(@inject(TOKENS.settings) private readonly settings: { directory: string; rows_per_file: number }) {}
  async test() {
    return [{ name: "folder", status: "ok" as const, message: this.settings.directory }];
  }
  async send(request: SendRequest, context: DestinationContext) {
    const formatter = context.stages.formatter("jsonl", { rows_per_file: this.settings.rows_per_file });
    const folder = new LocalDirectorySink(this.settings.directory);
    let files = 0;
    const sink = {
      write: async (file: Parameters<LocalDirectorySink["write"]>[0]) => {
        files++;
        const done = context.tasks.previous<{ key: string; size: number; sha256: string }>(`write ${file.name}`);
        if (done) {
          for await (const _ of file.body); // the rows are read again; the file is not written again
          return done;
        }
        return context.tasks.run(`write ${file.name}`, async () => {
          if (files === FolderDestination.failOnFile) throw new ConnectorError({ code: "test.disk-full", message: "disk full", retryable: true });
          return folder.write(file);
        });
      },
    };
    return runFilePipeline(request.rows, { formatter, sink }, { ...context, schema: request.schema, baseName: request.baseName, partName: request.partName });
  }
}

const folderPlugin = definePlugin({
  id: "folder",
  kind: "destination",
  version: "1.0.0",
  apiVersion: API_VERSION,
  displayName: "Folder",
  description: "test destination",
  settings: z.object({ directory: z.string(), rows_per_file: z.number().int() }),
  register: (c) => c.register(implementationToken("destination", "folder"), { useClass: FolderDestination }),
});

const schema: Schema = {
  columns: [
    { name: "id", type: "long", nullable: false },
    { name: "email", type: "string", nullable: true, pii: "EMAIL" },
  ],
};
async function* rows(n: number): AsyncGenerator<Row> {
  for (let i = 1; i <= n; i++) yield [BigInt(i), `u${i}@example.com`];
}
const clockAt = (iso: string): Clock => ({ now: () => new Date(iso), sleep: async () => {} });

async function setup() {
  const directory = await mkdtemp(join(tmpdir(), "conveyor-runjob-"));
  const store = new FileRunStore(await mkdtemp(join(tmpdir(), "conveyor-state-")));
  const host = new PluginHost();
  host.add(folderPlugin, "test");
  const job = (extra: object = {}) =>
    jobSchema.parse({
      name: "people",
      destination: { plugin: "folder", settings: { directory, rows_per_file: 10 } },
      template: { file_name: "people_{{ now|format:'yyyy_MM_dd_HHmm' }}" },
      ...extra,
    });
  return { directory, store, host, job };
}

describe("runJob", () => {
  it("retries a failed run: completed files are not written again, names stay those of the first attempt", async () => {
    const { directory, store, host, job } = await setup();
    FolderDestination.failOnFile = 3;
    const failed = await runJob({ host, job: job(), rows: rows(25), schema, store, clock: clockAt("2025-01-31T10:15:00Z") });
    expect(failed.status).toBe("failed");
    expect(failed.failure?.error.code).toBe("test.disk-full");
    expect(await readdir(join(directory, "people_2025_01_31_1015"))).toEqual(["0000001.jsonl", "0000002.jsonl"]);

    FolderDestination.failOnFile = 0;
    const retried = await runJob({ host, job: job(), rows: rows(25), schema, store, previous: failed, clock: clockAt("2025-01-31T11:40:00Z") });
    expect(retried.status).toBe("succeeded");
    expect(retried.id).toBe(failed.id);
    expect(retried.attempt).toBe(2);
    expect(await readdir(join(directory, "people_2025_01_31_1015"))).toEqual(["0000001.jsonl", "0000002.jsonl", "0000003.jsonl"]);
    expect(retried.tasks.map((t) => [t.name, t.state, t.attempts])).toEqual([
      ["write people_2025_01_31_1015/0000001.jsonl", "succeeded", 1],
      ["write people_2025_01_31_1015/0000002.jsonl", "succeeded", 1],
      ["write people_2025_01_31_1015/0000003.jsonl", "succeeded", 2],
    ]);
    expect((await store.load(failed.id)).status).toBe("succeeded");
  });

  it("refuses a restricted-PII principal before anything is written, naming the PII columns", async () => {
    const { directory, host, job } = await setup();
    const run = await runJob({ host, job: job({ principal: { role: "operator", restricted_pii: true } }), rows: rows(5), schema });
    expect(run.failure?.error.code).toBe("policy.restricted-pii");
    expect(run.failure?.error.message).toContain("email");
    expect(await readdir(directory)).toEqual([]);
  });

  it("reads the access switches from the destination's validated settings", async () => {
    const { directory, host, job } = await setup();
    const business = { principal: { role: "business_user" } };
    const withSwitch = (value: unknown) => {
      const j = job(business);
      return { ...j, destination: { ...j.destination, settings: { ...j.destination.settings, allow_business_users: value } } };
    };
    // A string is not the switch turned on: the send is refused for its settings, not let through.
    const text = await runJob({ host, job: withSwitch("false"), rows: rows(5), schema: { columns: [schema.columns[0]!] } });
    expect(text.failure?.error.message).toContain("destination.settings.allow_business_users: must be a boolean");
    const off = await runJob({ host, job: job(business), rows: rows(5), schema: { columns: [schema.columns[0]!] } });
    expect(off.failure?.error.code).toBe("policy.business-users-not-allowed");
    expect(await readdir(directory)).toEqual([]);
    const on = await runJob({ host, job: withSwitch(true), rows: rows(5), schema: { columns: [schema.columns[0]!] } });
    expect(on.status).toBe("succeeded");
  });

  it("lets the data template drop PII columns so a restricted principal may send the rest", async () => {
    const { directory, host, job } = await setup();
    const run = await runJob({
      host,
      job: job({ principal: { role: "operator", restricted_pii: true }, template: { file_name: "ids", columns: [{ source: "id" }] } }),
      rows: rows(5),
      schema,
    });
    expect(run.status).toBe("succeeded");
    expect(await readdir(join(directory, "ids"))).toEqual(["0000001.jsonl"]);
  });
});
