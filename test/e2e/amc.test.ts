import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { conveyor, finished, firstLine, start, workspace } from "../src/cli-process.js";

/**
 * The seed's digdag workflows, run as `conveyor run workflow.dig --input rows.csv` against
 * `conveyor emulators` (S3, STS, AMC, Login with Amazon) and its `new_amc_auth` connection.
 */
const BUYERS = 2_100;
const DATASET = "e2e_purchases";

const definition = JSON.stringify({
  dataSet: {
    dataSetId: DATASET,
    period: "P1D",
    countryCode: "US",
    columns: [
      { name: "email", columnType: "DIMENSION", dataType: "STRING", externalUserIdType: { hashedPii: "EMAIL" } },
      { name: "purchase_time", columnType: "DIMENSION", dataType: "TIMESTAMP", isMainEventTime: true, nullable: false },
      { name: "product_sku", columnType: "DIMENSION", dataType: "STRING", nullable: false },
      { name: "purchase_value", columnType: "METRIC", dataType: "DECIMAL" },
    ],
  },
});

/** The seed's create-and-upload example, with a real bucket and definition. */
const uploadDig = (bucket: string) => `_export:
  td:
    database: amc_db

+amc_task:
  td>: upload.sql
  database: \${td.database}
  result_connection: new_amc_auth
  result_settings:
    type: amazon_marketing_cloud
    target: dataset
    operation: upload
    dataset_id: ${DATASET}
    create_dataset: true
    dataset_definition: '${definition}'
    bucket: ${bucket}
    path_prefix: e2e/
    file_name_prefix: purchases_
    wait_until_finish: true
    clean_upload_file: true
`;

const deleteDig = `_export:
  td:
    database: amc_db

+amc_task:
  td>: delete.sql
  database: \${td.database}
  result_connection: new_amc_auth
  result_settings:
    type: amazon_marketing_cloud
    target: dataset
    operation: delete
`;

const audienceDig = (instance: string, account: string, advertiser: string, connection = "new_amc_auth") => `_export:
  td:
    database: amc_db

+amc_task:
  td>: audience.sql
  database: \${td.database}
  result_connection: ${connection}
  result_settings:
    type: amazon_marketing_cloud
    target: rule_based_audiences
    amc_instance_id: ${instance}
    amc_account_id: ${account}
    audience_name: "test_audience"
    audience_description: "test audience description"
    advertiser_id: ${advertiser}
    query: "SELECT user_id FROM ${DATASET}"
    time_window_start: "2024-05-01T00:00:00"
    time_window_end: "2024-06-01T00:00:00"
    refresh_rate_days: 1
    time_window_relative: false
`;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

let cwd: string;
let emulators: ReturnType<typeof start>;
let info: Record<string, string>;

beforeAll(async () => {
  const rows = ["email,purchase_time,product_sku,purchase_value", ...Array.from({ length: BUYERS }, (_, i) => `Buyer${i}@Example.com,2024-05-${String((i % 28) + 1).padStart(2, "0")} 10:00:00,sku-${i % 5},${(i * 1.37).toFixed(3)}`)];
  // One row without a sku: skipped and counted.
  rows.push("nosku@example.com,2024-05-02 10:00:00,,1.00");
  cwd = await workspace({ "rows.csv": rows.join("\n") + "\n", "delete.csv": "email,note\nbuyer0@example.com,x\n BUYER1@example.com ,y\n", "trigger.csv": "_c0\n1\n" });
  emulators = start(["emulators", "--json", "--write-config", "conveyor.config.yaml"], { cwd });
  info = JSON.parse(await firstLine(emulators)) as Record<string, string>;
});

afterAll(async () => {
  emulators?.kill("SIGTERM");
  if (emulators) await finished(emulators);
});

async function storedRows(): Promise<Array<Record<string, string | null>>> {
  const response = await fetch(`${info.amc_endpoint}/__emulator/datasets/${DATASET}/rows`);
  expect(response.status).toBe(200);
  return (await response.json()) as Array<Record<string, string | null>>;
}

async function run(dig: string, file: string, input: string) {
  await writeFile(join(cwd, file), dig);
  const result = await conveyor(["run", file, "--input", input, "--json"], { cwd });
  const record = result.stdout.trim() ? (JSON.parse(result.stdout.trim().split("\n").at(-1)!) as { status: string; report?: { rows: number; skippedRows: unknown[]; details: Record<string, unknown> }; failure?: unknown }) : undefined;
  return { ...result, record };
}

describe("conveyor run on the seed's workflow form (digdag) against conveyor emulators", () => {
  it("create-and-upload: creates the dataset, uploads hashed rows, waits for COMPLETED, cleans the staged files", async () => {
    const result = await run(uploadDig(info.amc_bucket!), "upload.dig", "rows.csv");
    expect(result.stderr).not.toContain("error");
    expect(result.code).toBe(0);
    expect(result.record?.report).toMatchObject({ rows: BUYERS, skippedRows: [{ reason: 'null in non-nullable column "product_sku"', count: 1 }] });
    expect(result.record?.report?.details).toMatchObject({ dataset_created: true, status: "COMPLETED", OutputRowCount: BUYERS, cleaned: true });
    const stored = await storedRows();
    expect(stored).toHaveLength(BUYERS);
    expect(stored.map((r) => r.email)).toContain(sha256("buyer0@example.com"));
    expect(stored.find((r) => r.email === sha256("buyer0@example.com"))).toMatchObject({ purchase_time: "2024-05-01T10:00:00Z", purchase_value: "0.00" });
  });

  it("rule-based audience: created from the uploaded buyers, with its count; a blank amc_account_id takes the first account AMC lists", async () => {
    // A connection that leaves the account open, as Treasure Data's do: the workflow's blank
    // account id makes the destination ask GET /amc/accounts.
    const configPath = join(cwd, "conveyor.config.yaml");
    const config = parse(await readFile(configPath, "utf8")) as { connections: Record<string, Record<string, unknown>> };
    const { amc_account_id: _account, ...open } = config.connections.new_amc_auth!;
    await writeFile(configPath, stringify({ ...config, connections: { ...config.connections, open_amc_auth: open } }));
    const result = await run(audienceDig(info.amc_instance_id!, "", info.advertiser_id!, "open_amc_auth"), "audience.dig", "trigger.csv");
    expect(result.code).toBe(0);
    expect(result.record?.report?.details).toMatchObject({ status: "SUCCEEDED", audienceCount: BUYERS, audienceExecutionId: expect.any(String) });
  });

  it("delete: removes the identities from the dataset", async () => {
    const result = await run(deleteDig, "delete.dig", "delete.csv");
    expect(result.code).toBe(0);
    expect(result.record?.report).toMatchObject({ rows: 2 });
    const stored = await storedRows();
    expect(stored).toHaveLength(BUYERS - 2);
    expect(stored.map((r) => r.email)).not.toContain(sha256("buyer1@example.com"));
  });

  it("a workflow cannot change the account its connection holds (exit 2, naming the setting)", async () => {
    const result = await run(audienceDig(info.amc_instance_id!, "ENTITYOTHER", info.advertiser_id!), "steal.dig", "trigger.csv");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('amc_account_id is set by the connection "new_amc_auth"');
  });

  it("a workflow naming an unknown connection is refused with exit 2", async () => {
    const result = await run(deleteDig.replace("new_amc_auth", "missing_auth"), "missing.dig", "delete.csv");
    expect(result.code).toBe(2);
    expect(result.stderr + result.stdout).toContain('no connection "missing_auth"');
  });
});
