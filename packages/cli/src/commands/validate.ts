import { Command } from "commander";
import { asConnectorError, EXIT_CODES, type ConnectionCheck } from "@conveyor/runtime";
import { line } from "../io.js";
import { loadJob, requireValid, type CommandContext } from "../job-context.js";
import { printChecks, printProblems } from "../report.js";

export function validateCommand(ctx: CommandContext): Command {
  const { io, globals, exit } = ctx;
  return new Command("validate")
    .description("check a job file: every problem and warning at once (exit 2 when invalid)")
    .argument("<job>", "job file (YAML or JSON)")
    .option("--json", "one JSON line")
    .action(async (jobPath: string, options: { json?: boolean }) => {
      const loaded = await loadJob(ctx, jobPath);
      await loaded.conveyor.close();
      const valid = loaded.valid !== undefined;
      if (options.json || globals().json) {
        line(io.stdout, JSON.stringify({ valid, problems: loaded.problems }));
      } else {
        printProblems(io, loaded.problems);
        const warnings = loaded.problems.filter((p) => p.severity === "warning").length;
        if (valid) line(io.stdout, `${jobPath}: valid${warnings ? ` (${warnings} warning${warnings > 1 ? "s" : ""})` : ""}`);
      }
      exit(valid ? 0 : 2);
    });
}

export function testConnectionCommand(ctx: CommandContext): Command {
  return new Command("test-connection")
    .description("run the credential's and the destination's connection tests")
    .argument("<job>", "job file (YAML or JSON)")
    .option("--json", "one JSON line")
    .action(async (jobPath: string, options: { json?: boolean }) => {
      const { conveyor, job } = requireValid(await loadJob(ctx, jobPath));
      try {
        printConnectionChecks(ctx, await conveyor.testConnection(job).catch(failedCheck("connection")), options.json);
      } finally {
        await conveyor.close();
      }
    });
}

/** A test that could not run at all is one failed check, so the output keeps its shape. */
export const failedCheck =
  (name: string) =>
  (error: unknown): ConnectionCheck[] => {
    const e = asConnectorError(error);
    return [{ name, status: "failed", message: e.message, error: e.toJSON() }];
  };

export function printConnectionChecks({ io, globals, exit, secrets }: CommandContext, checks: ConnectionCheck[], json?: boolean): void {
  const redacted = secrets.redactDeep(checks);
  if (json || globals().json) line(io.stdout, JSON.stringify({ checks: redacted }));
  else printChecks(io, redacted);
  const failed = redacted.find((c) => c.status === "failed");
  exit(failed ? EXIT_CODES[failed.error?.category ?? "needs-person"] : 0);
}
