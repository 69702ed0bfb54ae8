import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Clock, ConnectorErrorJson, RunRecord, WorkflowAction } from "@conveyor/core";
import type { JobRunner, RunOutcome, RunRequest } from "../src/index.js";

/**
 * Simulated time. Sleepers wake in time order, and time moves only when `gate` (the
 * scheduler's `settled()`) says nothing is running, so days of slots pass in milliseconds and
 * always in the same order. Past `until`, the loop is stopped instead of woken.
 */
export class FakeClock implements Clock {
  private t: number;
  private readonly sleepers: { at: number; resolve: () => void }[] = [];
  private pending = false;
  gate: () => Promise<void> = async () => {};
  private stop?: { until: number; controller: AbortController };

  constructor(start: string) {
    this.t = Date.parse(start);
  }

  now(): Date {
    return new Date(this.t);
  }

  set(iso: string): void {
    this.t = Date.parse(iso);
  }

  /** An abort signal that fires when time would pass `until`. */
  runUntil(until: string): AbortSignal {
    this.stop = { until: Date.parse(until), controller: new AbortController() };
    return this.stop.controller.signal;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const sleeper = { at: this.t + ms, resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener("abort", () => {
        const index = this.sleepers.indexOf(sleeper);
        if (index >= 0) this.sleepers.splice(index, 1);
        reject(signal.reason);
      }, { once: true });
      this.advanceSoon();
    });
  }

  private advanceSoon(): void {
    if (this.pending) return;
    this.pending = true;
    setImmediate(() => {
      void this.gate().then(() => {
        this.pending = false;
        if (this.sleepers.length === 0) return;
        const at = Math.min(...this.sleepers.map((s) => s.at));
        if (this.stop && at > this.stop.until) {
          this.t = Math.max(this.t, this.stop.until);
          this.stop.controller.abort();
          return;
        }
        this.t = Math.max(this.t, at);
        for (const s of this.sleepers.filter((x) => x.at <= this.t)) {
          this.sleepers.splice(this.sleepers.indexOf(s), 1);
          s.resolve();
        }
      });
    });
  }
}

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "conveyor-scheduler-"));
}

export function action(id: string): WorkflowAction {
  return { id, title: `Resolve ${id}`, description: `What went wrong: ${id}.`, steps: [`First step for ${id}.`, `Second step for ${id}.`] };
}

let runs = 0;

/** A run record as `conveyor run` would leave it. */
export function runRecord(request: RunRequest, error?: ConnectorErrorJson, actions: WorkflowAction[] = []): RunRecord {
  const id = `run-${++runs}`;
  const at = request.scheduledTime.toISOString();
  return {
    id,
    origin: { jobName: "customers", jobPath: request.schedule.job, destination: "amazon-s3" },
    status: error ? "failed" : "succeeded",
    attempt: request.previous ? request.previous.attempt + 1 : 1,
    createdAt: at,
    updatedAt: at,
    tasks: [],
    ...(error ? { failure: { error, actions } } : {}),
  };
}

export const ERRORS = {
  transient: { code: "s3.slow-down", message: "Amazon S3 asked to slow down (503 SlowDown)", category: "transient", retryable: true },
  bucket: { code: "s3.invalid-bucket-name", message: "bucket name is invalid", category: "invalid-input", retryable: false },
  credentials: { code: "credentials.invalid", message: "The credentials are invalid", category: "needs-person", retryable: false },
} satisfies Record<string, ConnectorErrorJson>;

const EXIT = { transient: 4, "invalid-input": 2, "needs-person": 3, internal: 1 } as const;

/** A runner that records each request and answers from `decide` (success when it returns nothing). */
export class ScriptedRunner implements JobRunner {
  readonly requests: RunRequest[] = [];
  constructor(private readonly decide: (request: RunRequest) => ConnectorErrorJson | undefined | Promise<ConnectorErrorJson | undefined> = () => undefined) {}

  async run(request: RunRequest): Promise<RunOutcome> {
    this.requests.push(request);
    const error = await this.decide(request);
    const actions = error ? [action(error.code)] : [];
    const run = runRecord(request, error, actions);
    return error ? { exitCode: EXIT[error.category], run, error, actions } : { exitCode: 0, run, actions: [] };
  }

  /** The slots run, as ISO strings, once per attempt. */
  slots(): string[] {
    return this.requests.map((r) => r.scheduledTime.toISOString());
  }
}
