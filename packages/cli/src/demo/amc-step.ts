import type { RunRecord } from "@conveyor/runtime";
import { emulatorAmcConnection, type EmulatorsInfo } from "@conveyor/testkit";
import type { CliIo } from "../io.js";
import { printError } from "../report.js";

const DATASET = "demo_customers";

/** The demo's customer table as an AMC fact dataset: identity columns hashed PII, is_active left out. */
const DEFINITION = {
  dataSet: {
    dataSetId: DATASET,
    description: "Conveyor demo customers",
    period: "P1D",
    countryCode: "US",
    columns: [
      { name: "id", columnType: "DIMENSION", dataType: "LONG", nullable: false },
      ...["email", "first_name", "last_name", "phone", "city", "state"].map((name) => ({ name, columnType: "DIMENSION", dataType: "STRING", externalUserIdType: { hashedPii: name.toUpperCase() } })),
      { name: "signup_ts", columnType: "DIMENSION", dataType: "TIMESTAMP", isMainEventTime: true },
      { name: "lifetime_value", columnType: "METRIC", dataType: "DECIMAL" },
    ],
  },
};

/**
 * The demo's fourth step: the customer table uploaded to the emulated AMC as a hashed-PII
 * dataset through the `new_amc_auth` connection's staging bucket, created on the fly, waited
 * until SUCCESS; ok when AMC's OutputRowCount is every row. The connection's Login with Amazon
 * keys are the job's api credential (the host's platform points it at the emulator).
 */
export async function amcDemoStep(options: {
  info: EmulatorsInfo;
  io: CliIo;
  rows: number;
  send(title: string, job: unknown): Promise<RunRecord>;
}): Promise<{ title: string; ok: boolean; detail: string }> {
  const title = "AMC: hashed-PII dataset upload";
  const { type: _type, s3_credential, lwa_client_id, lwa_client_secret, lwa_refresh_token, ...connection } = emulatorAmcConnection(options.info);
  const job = {
    name: "customers_amc",
    credentials: {
      api: { plugin: "login-with-amazon", settings: { client_id: lwa_client_id, client_secret: lwa_client_secret, refresh_token: lwa_refresh_token } },
      staging: s3_credential,
    },
    destination: {
      plugin: "amazon-marketing-cloud",
      settings: {
        ...connection,
        target: "dataset",
        operation: "upload",
        dataset_id: DATASET,
        create_dataset: true,
        dataset_definition: JSON.stringify(DEFINITION),
        update_strategy: "FULL_REPLACE",
        bucket: options.info.amc_bucket,
        path_prefix: "demo/amc/",
        wait_until_finish: true,
        clean_upload_file: true,
      },
    },
  };
  const run = await options.send(title, job);
  if (run.failure) {
    printError(options.io, run.failure.error, run.failure.actions, { runId: run.id });
    return { title, ok: false, detail: `FAILED (${run.failure.error.code})` };
  }
  const details = run.report?.details ?? {};
  const count = typeof details.OutputRowCount === "number" ? details.OutputRowCount : undefined;
  const ok = details.status === "COMPLETED" && count === options.rows;
  const rows = (n: number) => n.toLocaleString("en-US");
  return {
    title,
    ok,
    detail: `AMC upload ${String(details.upload_id)} ${String(details.status)}: OutputRowCount ${count === undefined ? "missing" : rows(count)} of ${rows(options.rows)} rows (6 PII columns hashed, dataset ${DATASET})`,
  };
}
