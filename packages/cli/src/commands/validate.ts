import { Command } from "commander";
import { asConnectorError, EXIT_CODES, testJobConnection } from "@conveyor/core";
import { line, type CliIo } from "../io.js";
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
      const valid = loaded.job !== undefined;
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
  const { io, globals, exit } = ctx;
  return new Command("test-connection")
    .description("run the credential's and the destination's connection tests")
    .argument("<job>", "job file (YAML or JSON)")
    .option("--json", "one JSON line")
    .action(async (jobPath: string, options: { json?: boolean }) => {
      const loaded = await loadJob(ctx, jobPath);
      const job = requireValid(loaded);
      const checks = await testJobConnection(loaded.host, job, { env: io.env }).catch((error: unknown) => {
        const e = asConnectorError(error);
        return [{ name: "connection", status: "failed" as const, message: e.message, error: e.toJSON() }];
      });
      const redacted = loaded.host.secrets.redactDeep(checks);
      if (options.json || globals().json) line(io.stdout, JSON.stringify({ checks: redacted }));
      else printChecks(io, redacted);
      const failed = redacted.find((c) => c.status === "failed");
      exit(failed ? EXIT_CODES[failed.error?.category ?? "needs-person"] : 0);
    });
}
