import { asConnectorError, type ErrorCategory, type RunFailure, type RunRecord, type WorkflowAction } from "@conveyor/core";
import type { Conveyor } from "@conveyor/runtime";
import type { Schedule } from "./schedule.js";

/** A schedule's job as the host holds it at the slot. */
export interface ScheduledJob {
  /** The job as a job file holds it (snake_case keys); the runtime validates it. */
  job: unknown;
  /** Where the host found it, recorded on the run. */
  jobPath?: string;
}

/** Where each slot's job is read from: the CLI reads the schedule's job file; a host app, its own store. */
export interface JobSource {
  load(schedule: Schedule): Promise<ScheduledJob>;
}

/** What the scheduler uses of a Conveyor: sending a job, restarting a failed run, and its secrets to scrub. */
export type JobSender = Pick<Conveyor, "send" | "restart" | "secrets">;

/** How one attempt at a slot ended: its run, when one started, and its failure, if any. */
export interface SlotOutcome {
  run?: RunRecord;
  failure?: RunFailure;
}

/**
 * One attempt at a slot. The job is read afresh, so one edited since it was scheduled runs as it
 * is now; the first attempt renders file names for the slot, so a late slot keeps its names; a
 * retry restarts the failed run, so objects it completed are not written again. A job that cannot
 * be read or sent is a failed attempt, never a throw, so one bad job does not stop the loop.
 */
export async function runAttempt(conveyor: JobSender, jobs: JobSource, schedule: Schedule, slot: Date, previous?: RunRecord): Promise<SlotOutcome> {
  let outcome: SlotOutcome;
  try {
    const { job, jobPath } = await jobs.load(schedule);
    const run = previous ? await conveyor.restart(previous.id, { job }) : await conveyor.send({ job, now: slot, ...(jobPath ? { jobPath } : {}) });
    outcome = run.failure ? { run, failure: run.failure } : { run };
  } catch (error) {
    outcome = { failure: failureToStart(error, schedule.job) };
  }
  // What the scheduler keeps is stored, shown and delivered: no secret may travel with it.
  return conveyor.secrets.redactDeep(outcome);
}

/** A run that could not start (an invalid job file, a missing input): its error and what to do. */
export function failureToStart(error: unknown, jobPath: string): RunFailure {
  const failure = asConnectorError(error);
  const own = failure.action ? [failure.action] : [];
  const fix: WorkflowAction = {
    kind: "fix-settings",
    id: "fix-job",
    title: "Fix the job",
    problem: `The scheduled job ${jobPath} could not start.`,
    steps: ["Check the job file and its settings, and fix what the check names.", "Run the job once to check it, or wait for the next slot."],
  };
  return { error: failure.toJSON(), actions: [...own, fix] };
}

/** The job, its settings or its credentials need a person: running again will not help. */
export function isConfigurationFailure(category: ErrorCategory | undefined): boolean {
  return category === "invalid-input" || category === "needs-person";
}
