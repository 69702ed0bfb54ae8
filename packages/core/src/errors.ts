/**
 * Errors a person can act on. Every failure a user can meet is a ConnectorError with a stable
 * `code`; where a person must do something, it carries a workflow action with numbered steps.
 */

/**
 * What a host can offer a person for a failure, as its own button, link or command. The kinds are
 * closed so a host can handle every one; `id` says which specific action it is.
 *
 * - `retry-task`: run the failed task again with the same job, settings and input.
 * - `restart-workflow`: run the workflow again from the failed task with the current settings.
 * - `fix-settings`: change the job's, destination's or data template's settings.
 * - `fix-credentials`: update the credentials (keys, tokens, the role to assume).
 * - `fix-permissions`: grant access: IAM or bucket policies, an account's access or terms, a
 *   folder's permissions, the access policy's switches.
 * - `fix-input`: change the data sent (the query, the input rows, the dataset definition).
 * - `enable-schedule`: turn a disabled schedule back on once its cause is fixed.
 * - `contact-support`: only the platform's operators or the service's support can fix it.
 */
export const WORKFLOW_ACTION_KINDS = [
  "retry-task",
  "restart-workflow",
  "fix-settings",
  "fix-credentials",
  "fix-permissions",
  "fix-input",
  "enable-schedule",
  "contact-support",
] as const;

export type WorkflowActionKind = (typeof WORKFLOW_ACTION_KINDS)[number];

export function isWorkflowActionKind(value: unknown): value is WorkflowActionKind {
  return typeof value === "string" && (WORKFLOW_ACTION_KINDS as readonly string[]).includes(value);
}

/**
 * A workflow action: what a person can do about a failure. The steps are plain words any host
 * can show ("Retry the task."); none names a command of a particular host — a host adds its own
 * (the CLI prints `conveyor runs retry <run id>` beside a `retry-task`).
 */
export interface WorkflowAction {
  /** What kind of thing the person does, for a host's own button (see {@link WORKFLOW_ACTION_KINDS}). */
  readonly kind: WorkflowActionKind;
  /** Stable specific id, e.g. `s3.invalid-bucket-name`, `retry-task`. */
  readonly id: string;
  readonly title: string;
  /** What went wrong, in a sentence. */
  readonly problem: string;
  /** What to do, in order. */
  readonly steps: readonly string[];
}

/**
 * How the failure is handled: `invalid-input` (fix the job, settings or input; exit 2),
 * `needs-person` (credentials, permissions, connection; exit 3), `transient` (retried; exit 4
 * once retries are exhausted), `internal` (a bug or the unexpected; exit 1).
 */
export type ErrorCategory = "invalid-input" | "needs-person" | "transient" | "internal";

export interface ConnectorErrorOptions {
  code: string;
  message: string;
  category?: ErrorCategory;
  retryable?: boolean;
  action?: WorkflowAction;
  /** Machine-readable specifics (never secrets): problems, missing columns, HTTP status… */
  details?: Record<string, unknown>;
  cause?: unknown;
}

export interface ConnectorErrorJson {
  code: string;
  message: string;
  category: ErrorCategory;
  retryable: boolean;
  action?: WorkflowAction;
  details?: Record<string, unknown>;
}

export class ConnectorError extends Error {
  readonly code: string;
  readonly category: ErrorCategory;
  readonly retryable: boolean;
  readonly action?: WorkflowAction;
  readonly details?: Record<string, unknown>;

  constructor(options: ConnectorErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ConnectorError";
    this.code = options.code;
    this.retryable = options.retryable ?? options.category === "transient";
    this.category =
      options.category ?? (options.action ? "needs-person" : this.retryable ? "transient" : "internal");
    if (options.action) this.action = options.action;
    if (options.details) this.details = options.details;
  }

  toJSON(): ConnectorErrorJson {
    return {
      code: this.code,
      message: this.message,
      category: this.category,
      retryable: this.retryable,
      ...(this.action ? { action: this.action } : {}),
      ...(this.details ? { details: this.details } : {}),
    };
  }

  static is(value: unknown): value is ConnectorError {
    // Duck-typed: a plugin may bundle its own copy of core.
    return value instanceof ConnectorError || (value instanceof Error && value.name === "ConnectorError" && "code" in value);
  }
}

/** Wraps anything thrown into a ConnectorError (unknown errors become `internal`). */
export function asConnectorError(error: unknown): ConnectorError {
  if (ConnectorError.is(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ConnectorError({ code: "internal", category: "internal", message, cause: error });
}

export const EXIT_CODES: Record<ErrorCategory, number> = {
  "invalid-input": 2,
  "needs-person": 3,
  transient: 4,
  internal: 1,
};

export function exitCodeFor(error: unknown): number {
  return EXIT_CODES[asConnectorError(error).category];
}

/** Actions offered on every failed run, after the error's own. */
export const COMMON_ACTIONS = {
  retryTask: {
    kind: "retry-task",
    id: "retry-task",
    title: "Retry task",
    problem: "The task failed; run it again with the same job, settings and input.",
    steps: ["Review the error of the failed task and fix its cause.", "Retry the task."],
  },
  restartWorkflow: {
    kind: "restart-workflow",
    id: "restart-workflow",
    title: "Restart workflow",
    problem: "The workflow failed; restart it from the failed task with the current settings.",
    steps: [
      "Update the job, credential or destination settings that caused the failure.",
      "Restart the workflow with the corrected settings.",
    ],
  },
} as const satisfies Record<string, WorkflowAction>;

/**
 * The actions offered on a failed run: the error's own, then retrying the task and restarting the
 * workflow. A refusal of the job, settings or input (`invalid-input`) fails the same way on every
 * retry with the same inputs, so it is offered no retry: only fixing and restarting.
 */
export function workflowActions(error: unknown): WorkflowAction[] {
  const failure = asConnectorError(error);
  return [
    ...(failure.action ? [failure.action] : []),
    ...(failure.category === "invalid-input" ? [] : [COMMON_ACTIONS.retryTask]),
    COMMON_ACTIONS.restartWorkflow,
  ];
}

/**
 * A refusal of the job's settings that shows only once it runs (a value the send lacks): exit 2,
 * with an action whose first step is `fix`, what to change in the job.
 */
export function jobSettingsError(code: string, message: string, fix: string, details?: Record<string, unknown>): ConnectorError {
  return new ConnectorError({
    code,
    message,
    category: "invalid-input",
    action: { kind: "fix-settings", id: code, title: "Fix the job's settings", problem: message, steps: [fix, "Check the job's settings again."] },
    ...(details ? { details } : {}),
  });
}

/** Shorthand for the refusals of bad jobs, settings and input (exit 2). */
export function invalidInput(code: string, message: string, details?: Record<string, unknown>): ConnectorError {
  return new ConnectorError({ code, message, category: "invalid-input", ...(details ? { details } : {}) });
}
