import { backoffDelay, systemClock, type Clock, type ErrorCategory, type RunRecord } from "@conveyor/core";
import { Alerts, runFailed, scheduleDisabled, scheduleRecovered, slotInterrupted, type Channel } from "./alerts.js";
import { acquireLock, isAlive, type Lock } from "./lock.js";
import { NotificationStore } from "./notifications.js";
import { isConfigurationFailure, runAttempt, type JobSender, type JobSource, type SlotOutcome } from "./runner.js";
import { dueSlots, nextRun, type Schedule } from "./schedule.js";
import { ScheduleStore, type SlotRecord } from "./schedule-store.js";

export interface SchedulerEvent {
  /** The scheduler's time when it happened. */
  at?: string;
  event: "slot-started" | "slot-finished" | "slot-skipped" | "slot-interrupted" | "retrying" | "schedule-disabled" | "error";
  schedule_id: string;
  scheduled_time: string;
  status?: SlotRecord["status"];
  run_id?: string;
  /** For a failed slot and a retry: how the run failed. */
  category?: ErrorCategory;
  attempt?: number;
  delay_ms?: number;
  /** For `error`: what failed (the schedule is tried again at the next tick). */
  message?: string;
}

export interface SchedulerOptions {
  stateDir: string;
  /** Where each slot's job is read from, at the slot. */
  jobs: JobSource;
  /**
   * Sends the jobs; its `secrets` are scrubbed from everything the scheduler stores, emits and
   * delivers. A function when it depends on the schedule: the CLI reads each job's inputs and
   * `${file:}` references beside its job file, a host app may keep one per tenant.
   */
  conveyor: JobSender | ((schedule: Schedule) => Promise<JobSender>);
  clock?: Clock;
  channels?: readonly Channel[];
  /** How often (clock ms) schedules are read again, to see ones added or enabled meanwhile. */
  pollMs?: number;
  /** A slot whose start is older than this (clock ms) when the loop reaches it was missed. */
  missedAfterMs?: number;
  /** Backoff between transient retries (clock ms), exponential with full jitter. */
  retryBackoff?: { baseDelayMs: number; maxDelayMs: number };
  random?: () => number;
  onEvent?: (event: SchedulerEvent) => void;
}

/**
 * The scheduler loop: runs due slots of every enabled schedule, one run per schedule at a time,
 * and records each slot's outcome before and after its run, so a restart neither runs a slot
 * twice nor drops one.
 */
export class Scheduler {
  readonly store: ScheduleStore;
  readonly notifications: NotificationStore;
  private readonly clock: Clock;
  private readonly alerts: Alerts;
  /** Schedule id → its worker, and the slot that worker is running. */
  private readonly busy = new Map<string, Worker>();
  private readonly waiting = new Set<() => void>();
  private stopping = false;
  private interrupted?: () => void;

  constructor(private readonly options: SchedulerOptions) {
    this.clock = options.clock ?? systemClock;
    this.store = new ScheduleStore(options.stateDir);
    this.notifications = new NotificationStore(options.stateDir);
    this.alerts = new Alerts(this.notifications, options.channels ?? [], this.clock);
  }

  /** Runs until `signal` aborts, then lets the runs in progress finish (see {@link interrupt}). */
  async run(signal: AbortSignal): Promise<void> {
    const lock = await this.lock();
    try {
      while (!signal.aborted) {
        const wakeInMs = await this.tick();
        await this.sleep(wakeInMs, signal);
      }
      this.stopping = true;
      await new Promise<void>((resolve) => {
        this.interrupted = resolve;
        void Promise.all([...this.busy.values()].map((w) => w.done)).then(() => resolve());
      });
    } finally {
      await lock.release();
    }
  }

  /** Runs every slot due now and returns when they are done (`conveyor scheduler --once`). */
  async runDue(): Promise<void> {
    const lock = await this.lock();
    try {
      await this.tick();
      await Promise.all([...this.busy.values()].map((w) => w.done));
    } finally {
      await lock.release();
    }
  }

  /**
   * A second SIGTERM: stop waiting for the runs in progress. Their slots are recorded as
   * interrupted (with a notification) so a restart does not run them again unnoticed.
   */
  async interrupt(reason = "the scheduler was stopped during the run"): Promise<void> {
    this.stopping = true;
    for (const [id, worker] of this.busy) {
      if (!worker.slot) continue;
      const schedule = await this.store.get(id);
      await this.markInterrupted(await this.conveyorFor(schedule), schedule, worker.slot, reason);
    }
    this.interrupted?.();
  }

  /** Starts a worker for each enabled schedule with a due slot; returns clock ms until the next one. */
  async tick(): Promise<number> {
    const now = this.clock.now();
    let wake = this.options.pollMs ?? 5_000;
    for (const schedule of await this.store.list()) {
      if (!schedule.enabled) continue;
      if (!this.busy.has(schedule.id) && dueSlots(schedule, now).length > 0) this.startWorker(schedule.id);
      const next = nextRun(schedule, now);
      if (next) wake = Math.min(wake, Math.max(0, next.startsAt.getTime() - now.getTime()));
    }
    return wake;
  }

  /**
   * Resolves once every worker is finished or waiting out a retry backoff. A simulated clock
   * uses this to move time only when nothing is running (see the tests' FakeClock).
   */
  async settled(): Promise<void> {
    while ([...this.busy.values()].some((w) => !w.backoff)) await new Promise<void>((resolve) => this.waiting.add(resolve));
  }

  private changed(): void {
    for (const resolve of this.waiting) resolve();
    this.waiting.clear();
  }

  private async lock(): Promise<Lock> {
    return acquireLock(this.store.dir, this.clock.now());
  }

  private startWorker(id: string): void {
    const worker: Worker = { done: Promise.resolve(), backoff: false };
    worker.done = this.work(id, worker)
      // A state directory that cannot be written must not end the loop for every schedule.
      .catch((error: unknown) => this.emit({ event: "error", schedule_id: id, scheduled_time: worker.slot?.scheduled_time ?? "", message: error instanceof Error ? error.message : String(error) }))
      .finally(() => {
        this.busy.delete(id);
        this.changed();
      });
    this.busy.set(id, worker);
  }

  /** One schedule's due slots, oldest first, each read afresh (the CLI may disable it meanwhile). */
  private async work(id: string, worker: Worker): Promise<void> {
    while (!this.stopping) {
      const schedule = await this.store.get(id).catch(() => undefined);
      if (!schedule?.enabled) return;
      const slot = dueSlots(schedule, this.clock.now())[0];
      if (!slot) return;
      const progressed = await this.runSlot(schedule, slot, worker);
      worker.slot = undefined;
      if (!progressed) return;
    }
  }

  /** Runs (or accounts for) one slot; false when another live process holds it. */
  private async runSlot(schedule: Schedule, slot: Date, worker: Worker): Promise<boolean> {
    const conveyor = await this.conveyorFor(schedule);
    const existing = await this.store.slot(schedule.id, slot);
    if (existing?.status === "running") {
      // Claimed by a scheduler that died mid-run: the run may have written part of its
      // export, so it is reported instead of run again.
      if (existing.pid !== process.pid && isAlive(existing.pid)) return false;
      await this.markInterrupted(conveyor, schedule, existing, `the scheduler (process ${existing.pid}) stopped during the run`);
      return this.advance(schedule.id, slot);
    }
    if (existing) return this.advance(schedule.id, slot);
    const now = this.clock.now();
    const startsAt = slot.getTime() + schedule.delay * 1000;
    if (schedule.skip_missed && now.getTime() - startsAt > (this.options.missedAfterMs ?? 60_000)) {
      await this.store.saveSlot({ schedule_id: schedule.id, scheduled_time: slot.toISOString(), status: "skipped", pid: process.pid, started_at: now.toISOString(), finished_at: now.toISOString(), attempts: [], reason: `missed: due at ${new Date(startsAt).toISOString()} while the scheduler was not running (skip_missed)` });
      this.emit({ event: "slot-skipped", schedule_id: schedule.id, scheduled_time: slot.toISOString(), status: "skipped" });
      return this.advance(schedule.id, slot);
    }
    const record: SlotRecord = { schedule_id: schedule.id, scheduled_time: slot.toISOString(), status: "running", pid: process.pid, started_at: now.toISOString(), attempts: [] };
    await this.store.saveSlot(record);
    worker.slot = record;
    this.emit({ event: "slot-started", schedule_id: schedule.id, scheduled_time: record.scheduled_time });
    const outcome = await this.attempts(conveyor, schedule, slot, record, worker);
    if (record.status === "interrupted") return true;
    const category = outcome.failure?.error.category;
    record.status = outcome.failure ? "failed" : "succeeded";
    record.finished_at = this.clock.now().toISOString();
    await this.store.saveSlot(record);
    this.emit({ event: "slot-finished", schedule_id: schedule.id, scheduled_time: record.scheduled_time, status: record.status, ...(category ? { category } : {}), ...(outcome.run ? { run_id: outcome.run.id } : {}) });
    await this.settle(conveyor, schedule.id, slot, outcome, record.attempts.length);
    return true;
  }

  /** The first run, then transient failures again up to the retry limit. */
  private async attempts(conveyor: JobSender, schedule: Schedule, slot: Date, record: SlotRecord, worker: Worker): Promise<SlotOutcome> {
    let previous: RunRecord | undefined;
    for (let attempt = 1; ; attempt++) {
      const started = this.clock.now().toISOString();
      const outcome = await runAttempt(conveyor, this.options.jobs, schedule, slot, previous);
      const error = outcome.failure?.error;
      record.attempts.push({
        ...(outcome.run ? { run_id: outcome.run.id } : {}),
        status: error ? "failed" : "succeeded",
        started_at: started,
        finished_at: this.clock.now().toISOString(),
        ...(error ? { error: { code: error.code, message: error.message, category: error.category } } : {}),
      });
      if (error?.category !== "transient" || attempt > schedule.retry_limit || this.stopping) return outcome;
      previous = outcome.run;
      const backoff = this.options.retryBackoff ?? { baseDelayMs: 30_000, maxDelayMs: 600_000 };
      const delayMs = backoffDelay(attempt, { maxAttempts: schedule.retry_limit + 1, ...backoff }, this.options.random);
      this.emit({ event: "retrying", schedule_id: schedule.id, scheduled_time: slot.toISOString(), attempt: attempt + 1, delay_ms: delayMs, category: error.category });
      worker.backoff = true;
      this.changed();
      await this.clock.sleep(delayMs);
      worker.backoff = false;
    }
  }

  /** Moves the cursor past the slot and applies its outcome: counters, disabling, notifications. */
  private async settle(conveyor: JobSender, id: string, slot: Date, outcome: SlotOutcome, attempts: number): Promise<void> {
    const { failure } = outcome;
    const configuration = isConfigurationFailure(failure?.error.category);
    const before = await this.store.get(id);
    const schedule = await this.store.update(
      id,
      (s) => {
        s.cursor = laterOf(s.cursor, slot);
        s.last_status = failure ? "failed" : "succeeded";
        if (!failure) s.consecutive_config_failures = 0;
        else if (configuration) s.consecutive_config_failures += 1;
        if (failure && s.enabled && s.consecutive_config_failures >= s.disable_after) {
          s.enabled = false;
          s.disabled_at = this.clock.now().toISOString();
          s.disabled_reason = `${s.consecutive_config_failures} consecutive configuration failures (last: ${failure.error.code})`;
        }
      },
      this.clock.now(),
    );
    if (!failure) {
      if (before.last_status === "failed") await this.alerts.raise(scheduleRecovered(schedule, slot, outcome), conveyor.secrets);
      return;
    }
    await this.alerts.raise(runFailed(schedule, slot, { ...outcome, failure }, attempts, configuration ? schedule.consecutive_config_failures : undefined), conveyor.secrets);
    if (before.enabled && !schedule.enabled) {
      await this.alerts.raise(scheduleDisabled(schedule, slot, { ...outcome, failure }), conveyor.secrets);
      this.emit({ event: "schedule-disabled", schedule_id: id, scheduled_time: slot.toISOString() });
    }
  }

  private async markInterrupted(conveyor: JobSender, schedule: Schedule, record: SlotRecord, reason: string): Promise<void> {
    record.status = "interrupted";
    record.reason = reason;
    record.finished_at = this.clock.now().toISOString();
    await this.store.saveSlot(record);
    await this.alerts.raise(slotInterrupted(schedule, new Date(record.scheduled_time), reason), conveyor.secrets);
    this.emit({ event: "slot-interrupted", schedule_id: schedule.id, scheduled_time: record.scheduled_time, status: "interrupted" });
  }

  private async conveyorFor(schedule: Schedule): Promise<JobSender> {
    const { conveyor } = this.options;
    return typeof conveyor === "function" ? conveyor(schedule) : conveyor;
  }

  private async advance(id: string, slot: Date): Promise<true> {
    await this.store.update(id, (s) => void (s.cursor = laterOf(s.cursor, slot)), this.clock.now());
    return true;
  }

  /** Sleeps until the next slot, a poll, a finished worker (its schedule may be due again) or the stop. */
  private async sleep(ms: number, signal: AbortSignal): Promise<void> {
    const wake = new AbortController();
    const onStop = () => wake.abort();
    signal.addEventListener("abort", onStop, { once: true });
    try {
      await Promise.race([this.clock.sleep(ms, wake.signal).catch(() => {}), ...[...this.busy.values()].map((w) => w.done)]);
    } finally {
      wake.abort();
      signal.removeEventListener("abort", onStop);
    }
  }

  private emit(event: SchedulerEvent): void {
    this.options.onEvent?.({ at: this.clock.now().toISOString(), ...event });
  }
}

interface Worker {
  done: Promise<void>;
  /** The slot being run, to record as interrupted on a forced stop. */
  slot?: SlotRecord;
  /** Waiting out the backoff before a transient retry. */
  backoff: boolean;
}

function laterOf(cursor: string, slot: Date): string {
  return Date.parse(cursor) >= slot.getTime() ? cursor : slot.toISOString();
}
