import { COMMON_ACTIONS, ConnectorError, isWorkflowActionKind, jobSettingsError, type WorkflowAction } from "@conveyor/core";
import { describe, expect, it } from "vitest";
import { failureToStart, reenableAction, runFailed, scheduleDisabled, slotInterrupted, type Schedule } from "../src/index.js";

const schedule: Schedule = {
  id: "customers",
  job: "/jobs/customers.yaml",
  cron: "@daily",
  timezone: "UTC",
  delay: 0,
  retry_limit: 0,
  cron_mode: "standard",
  disable_after: 3,
  skip_missed: false,
  enabled: true,
  created_at: "2025-03-01T00:00:00.000Z",
  updated_at: "2025-03-01T00:00:00.000Z",
  cursor: "2025-03-01T00:00:00.000Z",
  consecutive_config_failures: 3,
};
const slot = new Date("2025-03-02T00:00:00Z");

function expectRenderable(action: WorkflowAction): void {
  expect(isWorkflowActionKind(action.kind)).toBe(true);
  expect(action.problem.length).toBeGreaterThan(0);
  expect(action.steps.length).toBeGreaterThan(0);
  expect(JSON.stringify(action)).not.toMatch(/conveyor /);
}

describe("the scheduler's workflow actions", () => {
  const notStarted = { failure: failureToStart(jobSettingsError("settings.invalid", "destination.settings.x is wrong", "Set x."), schedule.job) };
  const refused = { failure: failureToStart(new ConnectorError({ code: "job.invalid", message: "the job file is not YAML", category: "invalid-input" }), schedule.job) };
  const failedRun = { failure: { error: { code: "s3.transient", message: "m", category: "transient" as const, retryable: true }, actions: [COMMON_ACTIONS.retryTask, COMMON_ACTIONS.restartWorkflow] } };

  it("a job that could not start: its own action, then fix-job (fix-settings)", () => {
    expect(notStarted.failure.actions.map((a) => [a.id, a.kind])).toEqual([["settings.invalid", "fix-settings"], ["fix-job", "fix-settings"]]);
    expect(refused.failure.actions.map((a) => [a.id, a.kind])).toEqual([["fix-job", "fix-settings"]]);
    expect(refused.failure.actions[0]?.problem).toBe("The scheduled job /jobs/customers.yaml could not start.");
  });

  it("re-enabling a disabled schedule is an enable-schedule action", () => {
    expect(reenableAction(schedule)).toMatchObject({ kind: "enable-schedule", id: "schedule.re-enable" });
  });

  it("an interrupted slot is finished by restarting its run", () => {
    expect(slotInterrupted(schedule, slot, "the scheduler was stopped").actions).toMatchObject([{ kind: "restart-workflow", id: "schedule.interrupted-run" }]);
  });

  it("every notification's actions have a known kind and name no command; neither do the notifications", () => {
    const drafts = [
      runFailed(schedule, slot, failedRun, 1),
      runFailed(schedule, slot, notStarted, 1, 1),
      scheduleDisabled(schedule, slot, refused),
      slotInterrupted(schedule, slot, "the scheduler was stopped during the run"),
    ];
    for (const draft of drafts) {
      expect(draft.actions.length).toBeGreaterThan(0);
      for (const action of draft.actions) expectRenderable(action);
      expect(JSON.stringify(draft)).not.toMatch(/conveyor /);
    }
  });
});
