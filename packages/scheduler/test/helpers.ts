import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SecretRegistry, type Clock, type ConnectorErrorJson, type RunRecord, type WorkflowAction } from "@conveyor/core";
import type { SendOptions } from "@conveyor/runtime";
import type { JobSender, JobSource } from "../src/index.js";

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
  return { kind: "fix-credentials", id, title: `Resolve ${id}`, problem: `What went wrong: ${id}.`, steps: [`First step for ${id}.`, `Second step for ${id}.`] };
}

/** Each schedule's job names its schedule, so the fake Conveyor can tell which one it sends. */
export const jobs: JobSource = { load: async (schedule) => ({ job: { schedule_id: schedule.id }, jobPath: schedule.job }) };

/** One send or restart the scheduler asked for. */
export interface SentRun {
  scheduleId: string;
  jobPath?: string;
  /** The slot: the time file names are rendered for (a restart keeps the failed run's). */
  scheduledTime: Date;
  attempt: number;
  /** The failed run a restart continues. */
  previous?: RunRecord;
}

let runs = 0;

/** A run record as the runtime would return it. */
export function runRecord(sent: SentRun, error?: ConnectorErrorJson, actions: WorkflowAction[] = []): RunRecord {
  const id = `run-${++runs}`;
  const at = sent.scheduledTime.toISOString();
  return {
    id,
    origin: { jobName: "customers", ...(sent.jobPath ? { jobPath: sent.jobPath } : {}), destination: "amazon-s3" },
    status: error ? "failed" : "succeeded",
    attempt: sent.attempt,
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

/**
 * The part of a Conveyor the scheduler uses: each run fails with the error `decide` returns (and
 * that error's action), else succeeds. It redacts nothing itself, so the tests see what the
 * scheduler scrubs.
 */
export class ScriptedConveyor implements JobSender {
  readonly requests: SentRun[] = [];
  readonly secrets = new SecretRegistry();
  private readonly runs = new Map<string, { sent: SentRun; run: RunRecord }>();

  constructor(private readonly decide: (sent: SentRun) => ConnectorErrorJson | undefined | Promise<ConnectorErrorJson | undefined> = () => undefined) {}

  async send(options: SendOptions): Promise<RunRecord> {
    const { schedule_id } = options.job as { schedule_id: string };
    return this.answer({ scheduleId: schedule_id, ...(options.jobPath ? { jobPath: options.jobPath } : {}), scheduledTime: options.now!, attempt: 1 });
  }

  async restart(runId: string): Promise<RunRecord> {
    const { sent, run } = this.runs.get(runId)!;
    return this.answer({ ...sent, attempt: sent.attempt + 1, previous: run });
  }

  /** The slots run, as ISO strings, once per attempt. */
  slots(): string[] {
    return this.requests.map((r) => r.scheduledTime.toISOString());
  }

  protected async answer(sent: SentRun): Promise<RunRecord> {
    this.requests.push(sent);
    const error = await this.decide(sent);
    const run = runRecord(sent, error, error ? [action(error.code)] : []);
    this.runs.set(run.id, { sent, run });
    return run;
  }
}
