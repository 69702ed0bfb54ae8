import { asConnectorError, EXIT_CODES, type ConnectorErrorJson, type RunRecord, type WorkflowAction } from "@conveyor/core";
import type { Schedule } from "./schedule.js";

export interface RunRequest {
  schedule: Schedule;
  /** The slot: the run's scheduled time, whatever its delay. */
  scheduledTime: Date;
  /** 1 for the first attempt at this slot; each transient retry adds one. */
  attempt: number;
  /** The failed run a retry continues, so objects it completed are not written again. */
  previous?: RunRecord;
}

/** How one run ended, in the `conveyor run` exit codes: 0, 2 input, 3 person, 4 transient, 1 internal. */
export interface RunOutcome {
  exitCode: number;
  run?: RunRecord;
  error?: ConnectorErrorJson;
  actions: WorkflowAction[];
}

/** Runs a schedule's job once. The CLI runs it in-process; tests use fakes. */
export interface JobRunner {
  run(request: RunRequest): Promise<RunOutcome>;
}

export function outcomeOfRun(run: RunRecord): RunOutcome {
  if (!run.failure) return { exitCode: 0, run, actions: [] };
  return { exitCode: EXIT_CODES[run.failure.error.category], run, error: run.failure.error, actions: run.failure.actions };
}

/** A run that could not start (an invalid job file, a missing input) still has an exit code and, where known, an action. */
export function outcomeOfError(error: unknown, jobPath: string): RunOutcome {
  const failure = asConnectorError(error);
  const own = failure.action ? [failure.action] : [];
  const fix: WorkflowAction = {
    id: "fix-job",
    title: "Fix the job",
    description: "The scheduled job could not start.",
    steps: [`Run \`conveyor validate ${jobPath}\` and fix what it names.`, `Run \`conveyor run ${jobPath}\` to check it, or wait for the next slot.`],
  };
  return { exitCode: EXIT_CODES[failure.category], error: failure.toJSON(), actions: [...own, fix] };
}

/** Exit 2 and 3: the job, its settings or its credentials need a person; running again will not help. */
export function isConfigurationFailure(outcome: RunOutcome): boolean {
  return outcome.exitCode === 2 || outcome.exitCode === 3;
}

export const TRANSIENT_EXIT_CODE = EXIT_CODES.transient;
