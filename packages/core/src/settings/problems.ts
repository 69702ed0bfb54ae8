import type { z } from "zod";
import { ConnectorError, type WorkflowAction } from "../errors.js";

/** One thing wrong (or worth a warning, or worth knowing) in a job or its settings. */
export interface Problem {
  /** Dotted path from the job's root, e.g. `destination.settings.prefix`. */
  readonly path: string;
  readonly message: string;
  /** `error` refuses the job; `warning` and `info` are shown and let it run. */
  readonly severity: "error" | "warning" | "info";
  /** A specific error code where there is one (`pgp.invalid-key`); else `settings.invalid` applies. */
  readonly code?: string;
  /** What a person does about it, where that is more than changing the value at `path`. */
  readonly action?: WorkflowAction;
}

export function joinPath(...parts: ReadonlyArray<string | number | undefined>): string {
  return parts
    .filter((p) => p !== undefined && p !== "")
    .map(String)
    .join(".");
}

/** Turns zod issues into problems whose messages say what is allowed. */
export function problemsFromZod(error: z.ZodError, prefix = ""): Problem[] {
  return error.issues.map((issue) => ({
    path: joinPath(prefix, ...issue.path.map((p) => (typeof p === "symbol" ? String(p.description) : p))),
    message: describeIssue(issue),
    severity: "error" as const,
  }));
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined ? `is required (${issue.expected})` : `must be ${article(issue.expected)}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_union": {
      // A discriminated union of modes (`target`): say which values pick a mode.
      const options = "options" in issue && Array.isArray(issue.options) ? issue.options.filter((o) => o !== null && o !== undefined) : [];
      return options.length ? `must be one of ${options.map((v) => JSON.stringify(v)).join(", ")}` : issue.message;
    }
    case "unrecognized_keys":
      return `unknown setting${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`;
    case "too_small":
      return issue.origin === "string"
        ? `must be at least ${issue.minimum} character${issue.minimum === 1 ? "" : "s"}`
        : issue.origin === "array"
          ? `must have at least ${issue.minimum} item${issue.minimum === 1 ? "" : "s"}`
          : `must be ${issue.inclusive ? "at least" : "more than"} ${issue.minimum}`;
    case "too_big":
      return issue.origin === "string"
        ? `must be at most ${issue.maximum} characters`
        : issue.origin === "array"
          ? `must have at most ${issue.maximum} items`
          : `must be ${issue.inclusive ? "at most" : "less than"} ${issue.maximum}`;
    default:
      return issue.message;
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

export function errorsOf(problems: readonly Problem[]): Problem[] {
  return problems.filter((p) => p.severity === "error");
}

export function formatProblems(problems: readonly Problem[]): string {
  return problems.map((p) => `${p.severity === "error" ? "" : `${p.severity}: `}${p.code ? `[${p.code}] ` : ""}${p.path}: ${p.message}`).join("\n");
}

/** The error for a job or settings with problems: every problem at once, exit code 2. */
export function settingsInvalid(problems: readonly Problem[]): ConnectorError {
  const errors = errorsOf(problems);
  // When every error is of one specific kind (a bad PGP key), the error carries that code.
  const codes = new Set(errors.map((e) => e.code));
  const [only] = codes;
  const specific = codes.size === 1 && only !== undefined;
  // …and its action, which says more than "fix the settings" (a missing base identity).
  const action = specific ? errors.find((e) => e.action)?.action : undefined;
  return new ConnectorError({
    code: specific ? only : "settings.invalid",
    category: "invalid-input",
    message: `Invalid settings:\n${formatProblems(errors)}`,
    details: { problems: errors },
    ...(action ? { action } : {}),
  });
}
