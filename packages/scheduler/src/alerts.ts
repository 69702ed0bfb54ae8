import type { Clock, WorkflowAction } from "@conveyor/core";
import { newNotificationId, type Delivery, type NotificationMessage, type NotificationStore, type Notifier, type StoredNotification } from "./notifications.js";
import type { RunOutcome } from "./runner.js";
import type { Schedule } from "./schedule.js";

export interface Channel {
  /** The notifier plugin id, or a name from the channel list. */
  name: string;
  notifier: Notifier;
}

type Draft = Omit<NotificationMessage, "id" | "created_at">;

/** Stores every notification and hands it to each channel; a failed delivery is recorded, never thrown. */
export class Alerts {
  constructor(
    private readonly store: NotificationStore,
    private readonly channels: readonly Channel[],
    private readonly clock: Clock,
  ) {}

  async raise(draft: Draft): Promise<StoredNotification> {
    const now = this.clock.now();
    const message: NotificationMessage = { id: newNotificationId(now), created_at: now.toISOString(), ...draft };
    const stored: StoredNotification = { ...message, read: false, deliveries: [] };
    await this.store.save(stored);
    if (this.channels.length === 0) return stored;
    stored.deliveries = await Promise.all(this.channels.map((channel) => this.deliver(channel, message)));
    await this.store.save(stored);
    return stored;
  }

  private async deliver(channel: Channel, message: NotificationMessage): Promise<Delivery> {
    try {
      await channel.notifier.notify(message);
      return { channel: channel.name, at: this.clock.now().toISOString(), ok: true };
    } catch (error) {
      return { channel: channel.name, at: this.clock.now().toISOString(), ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  }
}

function about(schedule: Schedule, slot: Date, outcome?: RunOutcome): Pick<Draft, "schedule_id" | "job" | "scheduled_time" | "run_id" | "view"> {
  const runId = outcome?.run?.id;
  return {
    schedule_id: schedule.id,
    job: schedule.job,
    scheduled_time: slot.toISOString(),
    ...(runId ? { run_id: runId, view: `conveyor runs show ${runId}` } : {}),
  };
}

function jobName(schedule: Schedule, outcome?: RunOutcome): string {
  return outcome?.run?.origin.jobName ?? schedule.job.split(/[\\/]/).pop()!;
}

export function runFailed(schedule: Schedule, slot: Date, outcome: RunOutcome, attempts: number, configFailures?: number): Draft {
  const error = outcome.error ?? { code: "internal", message: `exit code ${outcome.exitCode}`, category: "internal" as const };
  const counting = configFailures === undefined ? "" : ` This is configuration failure ${configFailures} of ${schedule.disable_after} in a row; the schedule is disabled at ${schedule.disable_after}.`;
  return {
    kind: "run-failed",
    level: "error",
    title: `Scheduled run of ${jobName(schedule, outcome)} failed: ${error.code}`,
    message: `${error.message} (slot ${slot.toISOString()}, schedule ${schedule.id}, ${attempts} attempt${attempts === 1 ? "" : "s"}).${counting}`,
    ...about(schedule, slot, outcome),
    exit_code: outcome.exitCode,
    error: { code: error.code, message: error.message, category: error.category },
    actions: outcome.actions,
  };
}

export function reenableAction(schedule: Schedule): WorkflowAction {
  return {
    id: "schedule.re-enable",
    title: "Re-enable the schedule",
    description: `Schedule ${schedule.id} was disabled after ${schedule.disable_after} consecutive configuration or credential failures.`,
    steps: [
      "Follow the steps of the failed run's workflow action to fix the job, its settings or its credentials.",
      `Check the fix with \`conveyor run ${schedule.job}\`.`,
      `Run \`conveyor schedule enable ${schedule.id}\`; slots from then on run again.`,
    ],
  };
}

export function scheduleDisabled(schedule: Schedule, slot: Date, outcome: RunOutcome): Draft {
  const code = outcome.error?.code ?? "unknown";
  return {
    kind: "schedule-disabled",
    level: "error",
    title: `Schedule ${schedule.id} disabled after ${schedule.disable_after} consecutive configuration failures`,
    message: `The last ${schedule.disable_after} runs of ${jobName(schedule, outcome)} failed with errors a person must fix (last: ${code}), so the schedule stopped running. Fix the cause, then re-enable it with \`conveyor schedule enable ${schedule.id}\`.`,
    ...about(schedule, slot, outcome),
    exit_code: outcome.exitCode,
    ...(outcome.error ? { error: { code: outcome.error.code, message: outcome.error.message, category: outcome.error.category } } : {}),
    actions: [...outcome.actions, reenableAction(schedule)],
  };
}

export function scheduleRecovered(schedule: Schedule, slot: Date, outcome: RunOutcome): Draft {
  return {
    kind: "schedule-recovered",
    level: "info",
    title: `Schedule ${schedule.id} recovered`,
    message: `The run of ${jobName(schedule, outcome)} for slot ${slot.toISOString()} succeeded after failed runs.`,
    ...about(schedule, slot, outcome),
    exit_code: 0,
    actions: [],
  };
}

export function slotInterrupted(schedule: Schedule, slot: Date, reason: string): Draft {
  return {
    kind: "slot-interrupted",
    level: "warning",
    title: `Scheduled run of ${jobName(schedule)} for ${slot.toISOString()} was interrupted`,
    message: `${reason}. The slot is not run again automatically, so that nothing is exported twice.`,
    ...about(schedule, slot),
    actions: [
      {
        id: "schedule.interrupted-run",
        title: "Finish the interrupted run",
        description: "The scheduler stopped while this slot's run was in progress.",
        steps: [
          "Run `conveyor runs list` and find the run of this job started at the slot.",
          "If it failed, run `conveyor runs restart <run id>`: objects already completed are not written again.",
          `If it is missing or still shown running, run \`conveyor run ${schedule.job}\`.`,
        ],
      },
    ],
  };
}
