import type { ConnectionCheck, ConnectorErrorJson, Problem, RunRecord, WorkflowAction } from "@conveyor/runtime";
import { actionCommands, type ActionScope } from "./action-commands.js";
import { formatBytes, line, table, type CliIo } from "./io.js";

export function printProblems(io: CliIo, problems: readonly Problem[]): void {
  for (const p of problems) line(io.stderr, `${p.severity}: ${p.code ? `[${p.code}] ` : ""}${p.path}: ${p.message}`);
}

/**
 * An error and its workflow actions: each action's title and problem, its numbered steps, then
 * the `conveyor` commands that carry it out (from `scope`: the run's id, the job file…).
 */
export function printError(io: CliIo, error: ConnectorErrorJson, actions: readonly WorkflowAction[] = error.action ? [error.action] : [], scope: ActionScope = {}): void {
  line(io.stderr, `error [${error.code}]: ${error.message}`);
  if (actions.length === 0) return;
  line(io.stderr, "");
  line(io.stderr, "Workflow actions:");
  printActions(io.stderr, actions, scope);
}

/** Numbered actions with their steps and, after them, the CLI's commands (`→ conveyor runs retry <id>`). */
export function printActions(out: CliIo["stderr"], actions: readonly WorkflowAction[], scope: ActionScope = {}): void {
  actions.forEach((action, i) => {
    line(out, `  ${i + 1}. ${action.title} — ${action.problem}`);
    action.steps.forEach((step, j) => line(out, `     ${j + 1}) ${step}`));
    for (const command of actionCommands(action, scope)) line(out, `     → ${command}`);
  });
}

export function printChecks(io: CliIo, checks: readonly ConnectionCheck[]): void {
  const mark = { ok: "ok", warning: "warning", failed: "FAILED" } as const;
  line(io.stdout, table([["CHECK", "RESULT", "DETAIL"], ...checks.map((c) => [c.name, mark[c.status], c.message])]));
  for (const c of checks) if (c.status === "failed" && c.error) printError(io, c.error);
}

export function printRun(io: CliIo, run: RunRecord): void {
  line(io.stdout, `run ${run.id} (${run.origin.jobName} → ${run.origin.destination}), attempt ${run.attempt}: ${run.status}`);
  const report = run.report;
  if (report) {
    if (report.objects.length > 0) {
      line(io.stdout, table([["OBJECT", "SIZE", "SHA-256"], ...report.objects.map((o) => [o.key, formatBytes(o.size), o.sha256.slice(0, 16) + "…"])]));
    }
    line(io.stdout, `rows: ${report.rows.toLocaleString("en-US")}  bytes: ${formatBytes(report.bytes)}  duration: ${(report.durationMs / 1000).toFixed(1)} s`);
    for (const s of report.skippedRows) line(io.stdout, `skipped ${s.count.toLocaleString("en-US")} rows: ${s.reason}`);
    for (const w of report.warnings) line(io.stderr, `warning: ${w}`);
    if (report.details) for (const [k, v] of Object.entries(report.details)) line(io.stdout, `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`);
  }
  if (run.failure) printError(io, run.failure.error, run.failure.actions, { runId: run.id, ...(run.origin.jobPath ? { job: run.origin.jobPath } : {}) });
}
