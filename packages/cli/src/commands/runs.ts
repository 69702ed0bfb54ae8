import { Command } from "commander";
import { RunStore } from "@conveyor/core";
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
  return runs;
}
