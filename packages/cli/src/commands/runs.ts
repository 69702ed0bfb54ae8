import { Command } from "commander";
import { ConnectorError, invalidInput, type RunRecord } from "@conveyor/runtime";
import { finish, runJobFile } from "./run.js";
import { formatBytes, line, table } from "../io.js";
import { cliConveyor, loadJob, requireValid, type CommandContext } from "../job-context.js";
import { printRun } from "../report.js";

export function runsCommand(ctx: CommandContext): Command {
  const { io, globals } = ctx;
  const runsOf = async () => (await cliConveyor(ctx)).runs;
  const runs = new Command("runs").description("show recorded runs (under the state directory)");
  runs
    .command("list", { isDefault: true })
    .description("recent runs, newest first")
    .option("--json", "one JSON line")
    .option("--limit <n>", "how many", "20")
    .action(async (options: { json?: boolean; limit: string }) => {
      const list = (await (await runsOf()).list()).slice(0, Number(options.limit));
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
      const run = await (await runsOf()).get(id);
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
      const previous = fromJobFile(await (await runsOf()).get(id));
      const { conveyor, job } = requireValid(await loadJob(ctx, previous.origin.jobPath!));
      try {
        finish(ctx, await conveyor.retry(previous.id, { job }).catch((error: unknown) => {
          // The runtime's refusal, with the command that does what it suggests.
          if (ConnectorError.is(error) && error.code === "run.job-changed") {
            throw invalidInput(error.code, `the job file ${previous.origin.jobPath} changed since run ${previous.id}; use \`conveyor runs restart ${previous.id}\` to run with the current configuration`);
          }
          throw error;
        }), options.json);
      } finally {
        await conveyor.close();
      }
    });
  runs
    .command("restart")
    .description("restart workflow: run a failed run again with the current job configuration, from the failed task")
    .argument("<id>", "run id or a unique prefix")
    .option("--json", "print the run record as one JSON line")
    .action(async (id: string, options: { json?: boolean }) => {
      const previous = fromJobFile(await (await runsOf()).get(id));
      finish(ctx, await runJobFile(ctx, previous.origin.jobPath!, { restartOf: previous }), options.json);
    });
  return runs;
}

/** The CLI runs again only what it ran from a job file; the runtime checks the rest (failed, same input). */
function fromJobFile(run: RunRecord): RunRecord {
  if (!run.origin.jobPath) throw invalidInput("run.no-job-file", `run ${run.id} was not started from a job file`);
  return run;
}
