/**
 * Errors a person can act on. Every failure a user can meet is a ConnectorError with a stable
 * `code`; where a person must do something, it carries a workflow action with numbered steps.
 */

export interface WorkflowAction {
  /** Stable id, e.g. `s3.invalid-bucket-name`, `retry-task`. */
  readonly id: string;
  readonly title: string;
  /** What went wrong, in a sentence. */
  readonly description: string;
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
    id: "retry-task",
    title: "Retry task",
    description: "Run the failed task again with the same inputs.",
    steps: ["Review the error of the failed task.", "Run `conveyor runs retry <run id>`."],
  },
  restartWorkflow: {
    id: "restart-workflow",
    title: "Restart workflow",
    description: "Restart from the failed task with the current configuration.",
    steps: [
      "Update the job, credential or destination settings that caused the failure.",
      "Run `conveyor runs restart <run id>`.",
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
    action: { id: code, title: "Fix the job's settings", description: message, steps: [fix, "Check the job with `conveyor validate <job file>`."] },
    ...(details ? { details } : {}),
  });
}

/** Shorthand for the refusals of bad jobs, settings and input (exit 2). */
export function invalidInput(code: string, message: string, details?: Record<string, unknown>): ConnectorError {
  return new ConnectorError({ code, message, category: "invalid-input", ...(details ? { details } : {}) });
}
