import type { Clock, RunFailure, SecretRegistry, WorkflowAction } from "@conveyor/core";
import { newNotificationId, type Delivery, type NotificationMessage, type NotificationStore, type Notifier, type StoredNotification } from "./notifications.js";
import type { SlotOutcome } from "./runner.js";
import type { Schedule } from "./schedule.js";

export interface Channel {
  /** The notifier plugin id, or a name from the channel list. */
  name: string;
  notifier: Notifier;
}

type Draft = Omit<NotificationMessage, "id" | "created_at">;
type FailedOutcome = SlotOutcome & { failure: RunFailure };

/**
 * Stores every notification and hands it to each channel; a failed delivery is recorded, never
 * thrown. Everything is scrubbed of `secrets` first: a delivery error may quote a channel's URL.
 */
export class Alerts {
  constructor(
    private readonly store: NotificationStore,
    private readonly channels: readonly Channel[],
    private readonly clock: Clock,
  ) {}

  async raise(draft: Draft, secrets: SecretRegistry): Promise<StoredNotification> {
    const now = this.clock.now();
    const message: NotificationMessage = secrets.redactDeep({ id: newNotificationId(now), created_at: now.toISOString(), ...draft });
    const stored: StoredNotification = { ...message, read: false, deliveries: [] };
    await this.store.save(stored);
    if (this.channels.length === 0) return stored;
    stored.deliveries = secrets.redactDeep(await Promise.all(this.channels.map((channel) => this.deliver(channel, message))));
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

function about(schedule: Schedule, slot: Date, outcome?: SlotOutcome): Pick<Draft, "schedule_id" | "job" | "scheduled_time" | "run_id"> {
  const runId = outcome?.run?.id;
  return {
    schedule_id: schedule.id,
    job: schedule.job,
    scheduled_time: slot.toISOString(),
    ...(runId ? { run_id: runId } : {}),
  };
}

function jobName(schedule: Schedule, outcome?: SlotOutcome): string {
  return outcome?.run?.origin.jobName ?? schedule.job.split(/[\\/]/).pop()!;
}

export function runFailed(schedule: Schedule, slot: Date, outcome: FailedOutcome, attempts: number, configFailures?: number): Draft {
  const { error, actions } = outcome.failure;
  const counting = configFailures === undefined ? "" : ` This is configuration failure ${configFailures} of ${schedule.disable_after} in a row; the schedule is disabled at ${schedule.disable_after}.`;
  return {
    kind: "run-failed",
    level: "error",
    title: `Scheduled run of ${jobName(schedule, outcome)} failed: ${error.code}`,
    message: `${error.message} (slot ${slot.toISOString()}, schedule ${schedule.id}, ${attempts} attempt${attempts === 1 ? "" : "s"}).${counting}`,
    ...about(schedule, slot, outcome),
    error: { code: error.code, message: error.message, category: error.category },
    actions,
  };
}

export function reenableAction(schedule: Schedule): WorkflowAction {
  return {
    kind: "enable-schedule",
    id: "schedule.re-enable",
    title: "Re-enable the schedule",
    problem: `Schedule ${schedule.id} was disabled after ${schedule.disable_after} consecutive configuration or credential failures.`,
    steps: [
      "Follow the steps of the failed run's workflow action to fix the job, its settings or its credentials.",
      `Run the job (${schedule.job}) once to check the fix.`,
      `Enable schedule ${schedule.id} again; slots from then on run again.`,
    ],
  };
}

export function scheduleDisabled(schedule: Schedule, slot: Date, outcome: FailedOutcome): Draft {
  const { error, actions } = outcome.failure;
  return {
    kind: "schedule-disabled",
    level: "error",
    title: `Schedule ${schedule.id} disabled after ${schedule.disable_after} consecutive configuration failures`,
    message: `The last ${schedule.disable_after} runs of ${jobName(schedule, outcome)} failed with errors a person must fix (last: ${error.code}), so the schedule stopped running. Fix the cause, then enable the schedule again.`,
    ...about(schedule, slot, outcome),
    error: { code: error.code, message: error.message, category: error.category },
    actions: [...actions, reenableAction(schedule)],
  };
}

export function scheduleRecovered(schedule: Schedule, slot: Date, outcome: SlotOutcome): Draft {
  return {
    kind: "schedule-recovered",
    level: "info",
    title: `Schedule ${schedule.id} recovered`,
    message: `The run of ${jobName(schedule, outcome)} for slot ${slot.toISOString()} succeeded after failed runs.`,
    ...about(schedule, slot, outcome),
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
        kind: "restart-workflow",
        id: "schedule.interrupted-run",
        title: "Finish the interrupted run",
        problem: "The scheduler stopped while this slot's run was in progress.",
        steps: [
          "Find the run of this job that started at the slot among the runs.",
          "If it failed, restart the workflow: objects already completed are not written again.",
          `If it is missing or still shown running, run the job (${schedule.job}) again.`,
        ],
      },
    ],
  };
}
