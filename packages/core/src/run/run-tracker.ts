import type { RunTasks, SendReport } from "../contracts.js";
import { asConnectorError, workflowActions, type ConnectorError } from "../errors.js";
import type { Clock, SecretRegistry } from "../services.js";
import { systemClock } from "../services.js";
import { newRunId, type RunOrigin, type RunRecord, type TaskRecord } from "./run-record.js";
import type { RunStore } from "./run-store.js";

/**
 * Keeps one run's record current and persisted: tasks as they start and finish, then the
 * report or the failure with its workflow actions.
 */
export class RunTracker implements RunTasks {
  readonly record: RunRecord;
  private readonly completedBefore: Map<string, TaskRecord>;
  private readonly startedAt: number;

  private constructor(
    record: RunRecord,
    private readonly store: RunStore | undefined,
    private readonly clock: Clock,
    private readonly secrets: SecretRegistry | undefined,
  ) {
    this.record = record;
    this.completedBefore = new Map(record.tasks.filter((t) => t.state === "succeeded").map((t) => [t.name, t]));
    this.startedAt = clock.now().getTime();
  }

  /** A new run, or the next attempt of `previous` (its completed tasks are kept and replayed). */
  static async start(options: {
    origin: RunOrigin;
    store?: RunStore;
    clock?: Clock;
    secrets?: SecretRegistry;
    previous?: RunRecord;
  }): Promise<RunTracker> {
    const clock = options.clock ?? systemClock;
    const now = clock.now().toISOString();
    const previous = options.previous;
    const record: RunRecord = previous
      ? {
          ...previous,
          origin: options.origin,
          status: "running",
          attempt: previous.attempt + 1,
          updatedAt: now,
          // Failed tasks stay listed (their attempt count carries on); succeeded ones are replayed.
          tasks: [...previous.tasks],
        }
      : { id: newRunId(clock.now()), origin: options.origin, status: "running", attempt: 1, createdAt: now, updatedAt: now, tasks: [] };
    delete record.failure;
    delete record.report;
    delete record.finishedAt;
    const tracker = new RunTracker(record, options.store, clock, options.secrets);
    await tracker.persist();
    return tracker;
  }

  get id(): string {
    return this.record.id;
  }

  previous<T>(name: string): T | undefined {
    return this.completedBefore.get(name)?.result as T | undefined;
  }

  async run<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const done = this.completedBefore.get(name);
    if (done) return done.result as T;
    const earlier = this.record.tasks.find((t) => t.name === name);
    const task: TaskRecord = { name, state: "running", attempts: (earlier?.attempts ?? 0) + 1, startedAt: this.clock.now().toISOString() };
    this.record.tasks = [...this.record.tasks.filter((t) => t.name !== name), task];
    await this.persist();
    try {
      const result = await fn();
      Object.assign(task, { state: "succeeded", finishedAt: this.clock.now().toISOString(), result });
      await this.persist();
      return result;
    } catch (error) {
      Object.assign(task, { state: "failed", finishedAt: this.clock.now().toISOString(), error: this.errorJson(asConnectorError(error)) });
      await this.persist();
      throw error;
    }
  }

  async succeed(report: SendReport, warnings: readonly string[] = []): Promise<RunRecord> {
    this.record.status = "succeeded";
    this.record.report = {
      objects: [...report.objects],
      rows: report.rows,
      bytes: report.bytes,
      skippedRows: [...(report.skippedRows ?? [])],
      warnings: [...warnings, ...(report.warnings ?? [])],
      durationMs: this.clock.now().getTime() - this.startedAt,
      ...(report.details ? { details: { ...report.details } } : {}),
    };
    return this.finish();
  }

  async fail(error: unknown): Promise<RunRecord> {
    const failure = asConnectorError(error);
    const actions = workflowActions(failure);
    this.record.status = "failed";
    this.record.failure = { error: this.errorJson(failure), actions: this.secrets ? this.secrets.redactDeep(actions) : actions };
    return this.finish();
  }

  private async finish(): Promise<RunRecord> {
    this.record.finishedAt = this.clock.now().toISOString();
    await this.persist();
    return this.record;
  }

  private errorJson(error: ConnectorError) {
    const json = error.toJSON();
    return this.secrets ? this.secrets.redactDeep(json) : json;
  }

  private async persist(): Promise<void> {
    this.record.updatedAt = this.clock.now().toISOString();
    if (this.store) await this.store.save(this.secrets ? this.secrets.redactDeep(this.record) : this.record);
  }
}
