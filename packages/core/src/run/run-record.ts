import type { SkippedRows, WrittenObject } from "../contracts.js";
import type { ConnectorErrorJson, WorkflowAction } from "../errors.js";
import type { Schema } from "../schema.js";

export type RunStatus = "running" | "succeeded" | "failed";
export type TaskState = "running" | "succeeded" | "failed";

export interface TaskRecord {
  name: string;
  state: TaskState;
  /** How many times the task was started, across attempts of the run. */
  attempts: number;
  startedAt: string;
  finishedAt?: string;
  /** What the task produced (JSON), replayed by a later attempt instead of running again. */
  result?: unknown;
  error?: ConnectorErrorJson;
}

export interface RunReport {
  objects: WrittenObject[];
  rows: number;
  bytes: number;
  skippedRows: SkippedRows[];
  warnings: string[];
  durationMs: number;
  details?: Record<string, unknown>;
}

export interface RunFailure {
  error: ConnectorErrorJson;
  /** The error's own action first, then the common ones (retry task, restart workflow). */
  actions: WorkflowAction[];
}

/** What a later `retry` or `restart` needs to find the same job and input again. */
export interface RunOrigin {
  jobName: string;
  jobPath?: string;
  /** SHA-256 of the job file's text, so a retry can tell whether the configuration changed. */
  jobSha256?: string;
  inputPath?: string;
  /** The columns the rows had, so a retry reads (or takes) the same rows the same way. */
  schema?: Schema;
  destination: string;
  credential?: string;
}

export interface RunRecord {
  id: string;
  origin: RunOrigin;
  status: RunStatus;
  /** 1 for the first attempt; each retry or restart adds one. */
  attempt: number;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  tasks: TaskRecord[];
  report?: RunReport;
  failure?: RunFailure;
}

/** Sortable and unique enough for one host: `20250131T142501-k3x9q2`. */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "");
  return `${stamp}-${Math.random().toString(36).slice(2, 8).padEnd(6, "0")}`;
}
