import type { WorkflowAction } from "@conveyor/runtime";

/**
 * The CLI's wording for workflow actions. The library's steps say what to do in plain words
 * ("Retry the task."); the `conveyor` commands that do it are named here, and only here, from the
 * action's `kind` and what the CLI knows about where it is printed.
 */

/** What the CLI knows beside the actions it prints. */
export interface ActionScope {
  /** The failed run the actions are about. */
  runId?: string;
  /** The job file, where known (the run's origin, the schedule's job). */
  job?: string;
  /** The schedule a notification is about. */
  scheduleId?: string;
}

/** Actions about an AWS role or its permissions: `conveyor credential policy` prints what they need. */
const AWS_POLICY_ACTIONS = new Set(["credentials.invalid", "s3.access-denied"]);

/** The commands that carry out `action`, in order; none for actions the CLI has no command for. */
export function actionCommands(action: WorkflowAction, scope: ActionScope = {}): string[] {
  const run = scope.runId ?? "<run id>";
  const job = scope.job !== undefined ? shellArg(scope.job) : "<job>";
  switch (action.kind) {
    case "retry-task":
      return [`conveyor runs retry ${run}`];
    case "restart-workflow":
      // Without a run (an interrupted slot), find it first; a job that never started is run anew.
      if (scope.runId !== undefined) return [`conveyor runs restart ${run}`];
      return ["conveyor runs list", `conveyor runs restart ${run}`, ...(scope.job !== undefined ? [`conveyor run ${job}`] : [])];
    case "fix-settings":
      return [`conveyor validate ${job}`];
    case "fix-credentials":
    case "fix-permissions":
      return AWS_POLICY_ACTIONS.has(action.id) ? [`conveyor credential policy ${job}`] : [];
    case "enable-schedule":
      return [...(scope.job !== undefined ? [`conveyor run ${job}`] : []), `conveyor schedule enable ${scope.scheduleId ?? "<schedule id>"}`];
    case "fix-input":
    case "contact-support":
      return [];
    default:
      // An action from a newer plugin than this CLI: its steps still say what to do.
      return [];
  }
}

/** The command that shows a run: its tasks, report, error and workflow actions. */
export function showRunCommand(runId: string): string {
  return `conveyor runs show ${runId}`;
}

/** A path as a shell argument: quoted only when it needs to be. */
function shellArg(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
