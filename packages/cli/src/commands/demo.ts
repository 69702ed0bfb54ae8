import { join } from "node:path";
import { Command } from "commander";
import * as openpgp from "openpgp";
import type { Conveyor, RunRecord } from "@conveyor/runtime";
import { countRows, customerRows, customerSchema, emulatorAdminClient, emulatorPlatform, listObjects, readObject, startEmulators, unpackObjects } from "@conveyor/testkit";
import { amcDemoStep } from "../demo/amc-step.js";
import { demoExports } from "../demo/demo-exports.js";
import { formatBytes, line, table, type CliIo } from "../io.js";
import { cliConveyor, stateDirOf, type CommandContext } from "../job-context.js";
import { createProgress } from "../progress.js";
import { printError } from "../report.js";

const DEMO_ROWS = 50_000;

/**
 * The main job on the embedded emulators, with no network: S3, STS and AMC start with the
 * `conveyor emulators` scenario, three exports of a 50,000-row customer table run through
 * iam-role-to-role and each is read back and checked, then the table goes to AMC as a
 * hashed-PII dataset, waited until SUCCESS. Exit 0 only if every check holds.
 */
export function demoCommand(ctx: CommandContext): Command {
  const { io, exit } = ctx;
  return new Command("demo")
    .description("run the demo on the embedded emulators (no network needed)")
    .option("--rows <n>", "rows in the sample customer table", String(DEMO_ROWS))
    .action(async (options: { rows: string }) => {
      const rows = Number(options.rows);
      const stateDir = stateDirOf(io, ctx.globals());
      const emulators = await startEmulators({ dataDir: join(stateDir, "demo-s3") });
      try {
        const info = emulators.info;
        line(io.stdout, `Conveyor demo: S3 ${info.s3_endpoint}, STS ${info.sts_endpoint} (loopback emulators)`);
        line(io.stdout, `${rows.toLocaleString("en-US")} sample customers → bucket ${info.bucket} through iam-role-to-role (${info.customer_role_arn})`);
        line(io.stdout, "");
        const conveyor = await cliConveyor(ctx, { platform: emulatorPlatform(info) });
        const key = await openpgp.generateKey({ type: "ecc", curve: "curve25519Legacy", userIDs: [{ name: "Conveyor demo", email: "demo@example.com" }], format: "object" });
        const admin = emulatorAdminClient(info);
        const results: Array<{ title: string; run: RunRecord; found: number }> = [];
        for (const demo of demoExports(key.publicKey.armor())) {
          const job = {
            name: demo.name,
            credential: { plugin: "iam-role-to-role", settings: { target_role_arn: info.customer_role_arn, bucket: info.bucket } },
            destination: { plugin: "amazon-s3", settings: demo.destination },
          };
          const run = await sendWithProgress(conveyor, io, demo.title, job, rows);
          if (run.failure) {
            printError(io, run.failure.error, run.failure.actions, { runId: run.id });
            results.push({ title: demo.title, run, found: 0 });
            continue;
          }
          // Read back as a recipient would: decrypt with the demo key, decompress, unpack, parse.
          const objects = new Map<string, Buffer>();
          for (const object of run.report!.objects) objects.set(object.key, await readObject(admin, info.bucket, object.key));
          results.push({ title: demo.title, run, found: await countRows(await unpackObjects(objects, { privateKey: key.privateKey })) });
        }
        const amc = await amcDemoStep({ info, io, rows, send: (title, job) => sendWithProgress(conveyor, io, title, job, rows) });
        await conveyor.close();
        line(io.stdout, "");
        const keys = await listObjects(admin, info.bucket, "demo/");
        line(io.stdout, table([["OBJECT", "SIZE"], ...keys.map((k) => [`s3://${info.bucket}/${k.key}`, formatBytes(k.size)])]));
        line(io.stdout, `The emulator keeps the objects in ${info.data_dir}`);
        line(io.stdout, "");
        const checks = [
          ...results.map(({ title, run, found }) => [title, run.failure ? `FAILED (${run.failure.error.code})` : found === rows ? "ok" : "MISMATCH", `${found.toLocaleString("en-US")} of ${rows.toLocaleString("en-US")} rows read back`]),
          [amc.title, amc.ok ? "ok" : "FAILED", amc.detail],
        ];
        line(io.stdout, table([["EXPORT", "CHECK", "DETAIL"], ...checks]));
        exit(checks.every((c) => c[1] === "ok") ? 0 : 1);
      } finally {
        await emulators.close();
      }
    });
}

/** One demo export of the sample customers, with the progress line a `conveyor run` shows. */
async function sendWithProgress(conveyor: Conveyor, io: CliIo, title: string, job: unknown, rows: number): Promise<RunRecord> {
  const progress = createProgress(io, title);
  try {
    return await conveyor.send({ job, rows: customerRows(rows), schema: customerSchema, onProgress: progress.update.bind(progress) });
  } finally {
    progress.finish();
  }
}
