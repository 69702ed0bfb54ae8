import { Command } from "commander";
import { readFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import { invalidInput, RunStore, type RunRecord } from "@conveyor/core";
import { executeRun, finish } from "./run.js";
import { formatBytes, line, table } from "../io.js";
import { stateDirOf, type CommandContext } from "../job-context.js";
import { printRun } from "../report.js";

export function runsCommand(ctx: CommandContext): Command {
  const { io, globals } = ctx;
  const store = () => new RunStore(stateDirOf(io, globals()));
  const runs = new Command("runs").description("show recorded runs (under the state directory)");
  runs
    .command("list", { isDefault: true })
    .description("recent runs, newest first")
    .option("--json", "one JSON line")
    .option("--limit <n>", "how many", "20")
    .action(async (options: { json?: boolean; limit: string }) => {
      const list = (await store().list()).slice(0, Number(options.limit));
      if (options.json || globals().json) {
        line(io.stdout, JSON.stringify({ runs: list }));
        return;
      }
      if (list.length === 0) return line(io.stdout, "no runs yet");
      line(
        io.stdout,
        table([
          ["RUN", "STATUS", "JOB", "DESTINATION", "ROWS", "BYTES", "CREATED"],
          ...list.map((r) => [
            r.id,
            r.status + (r.failure ? ` (${r.failure.error.code})` : ""),
            r.origin.jobName,
            r.origin.destination,
            r.report ? r.report.rows.toLocaleString("en-US") : "-",
            r.report ? formatBytes(r.report.bytes) : "-",
            r.createdAt,
          ]),
        ]),
      );
    });
  runs
    .command("show")
    .description("one run: tasks, report, failure and its workflow actions")
    .argument("<id>", "run id or a unique prefix")
    .option("--json", "one JSON line")
    .action(async (id: string, options: { json?: boolean }) => {
      const run = await store().load(id);
      if (options.json || globals().json) return line(io.stdout, JSON.stringify(run));
      printRun(io, run);
      line(io.stdout, table([["TASK", "STATE", "ATTEMPTS", "FINISHED"], ...run.tasks.map((t) => [t.name, t.state, String(t.attempts), t.finishedAt ?? "-"])]));
    });
  runs
    .command("retry")
    .description("retry task: run a failed run again with the same job and input; completed objects are not written again")
    .argument("<id>", "run id or a unique prefix")
    .option("--json", "print the run record as one JSON line")
    .action(async (id: string, options: { json?: boolean }) => {
      const previous = await resumable(await store().load(id));
      const text = await readFile(previous.origin.jobPath!, "utf8");
      if (previous.origin.jobSha256 && createHash("sha256").update(text).digest("hex") !== previous.origin.jobSha256) {
        throw invalidInput("run.job-changed", `the job file ${previous.origin.jobPath} changed since run ${previous.id}; use \`conveyor runs restart ${previous.id}\` to run with the current configuration`);
      }
      finish(ctx, await executeRun(ctx, previous.origin.jobPath!, { input: previous.origin.inputPath!, previous }), options.json);
    });
  runs
    .command("restart")
    .description("restart workflow: run a failed run again with the current job configuration, from the failed task")
    .argument("<id>", "run id or a unique prefix")
    .option("--json", "print the run record as one JSON line")
    .action(async (id: string, options: { json?: boolean }) => {
      const previous = await resumable(await store().load(id));
      finish(ctx, await executeRun(ctx, previous.origin.jobPath!, { input: previous.origin.inputPath!, previous }), options.json);
    });
  return runs;
}

/** Only a failed run that read a job file and an input file can be run again. */
async function resumable(run: RunRecord): Promise<RunRecord> {
  if (run.status !== "failed") throw invalidInput("run.not-failed", `run ${run.id} ${run.status === "succeeded" ? "succeeded" : "is still running"}; only a failed run can be retried or restarted`);
  if (!run.origin.jobPath) throw invalidInput("run.no-job-file", `run ${run.id} was not started from a job file`);
  if (!run.origin.inputPath) throw invalidInput("run.no-input-file", `run ${run.id} read its rows from stdin, which cannot be read again; run the job again instead`);
  return run;
}
