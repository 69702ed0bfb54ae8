import { COMMON_ACTIONS, type WorkflowAction } from "@conveyor/core";
import { describe, expect, it } from "vitest";
import { actionCommands, showRunCommand } from "../src/action-commands.js";

const action = (kind: WorkflowAction["kind"], id: string = kind): WorkflowAction => ({ kind, id, title: id, problem: `${id}.`, steps: ["Do it."] });

describe("the CLI's commands for workflow actions", () => {
  it("names the failed run in retry and restart", () => {
    expect(actionCommands(COMMON_ACTIONS.retryTask, { runId: "20250301T010000-abc123" })).toEqual(["conveyor runs retry 20250301T010000-abc123"]);
    expect(actionCommands(COMMON_ACTIONS.restartWorkflow, { runId: "20250301T010000-abc123" })).toEqual(["conveyor runs restart 20250301T010000-abc123"]);
    expect(actionCommands(COMMON_ACTIONS.retryTask)).toEqual(["conveyor runs retry <run id>"]);
    expect(showRunCommand("r1")).toBe("conveyor runs show r1");
  });

  it("finds the run first when it is not known (an interrupted slot), or runs the job anew", () => {
    expect(actionCommands(action("restart-workflow", "schedule.interrupted-run"), { job: "/jobs/a.yaml", scheduleId: "a" })).toEqual(["conveyor runs list", "conveyor runs restart <run id>", "conveyor run /jobs/a.yaml"]);
  });

  it("checks fixed settings with validate, and prints the AWS policies for a role or its permissions", () => {
    expect(actionCommands(action("fix-settings", "fix-job"), { job: "/jobs/my job.yaml" })).toEqual(["conveyor validate '/jobs/my job.yaml'"]);
    expect(actionCommands(action("fix-settings", "template.missing-value"))).toEqual(["conveyor validate <job>"]);
    expect(actionCommands(action("fix-permissions", "s3.access-denied"), { job: "job.yaml" })).toEqual(["conveyor credential policy job.yaml"]);
    expect(actionCommands(action("fix-credentials", "credentials.invalid"), { job: "job.yaml" })).toEqual(["conveyor credential policy job.yaml"]);
    expect(actionCommands(action("fix-credentials", "amc.update-credentials"), { job: "job.yaml" })).toEqual([]);
    expect(actionCommands(action("fix-permissions", "policy.restricted-pii"))).toEqual([]);
  });

  it("re-enables a schedule after running its job once; nothing for input or support", () => {
    expect(actionCommands(action("enable-schedule", "schedule.re-enable"), { job: "/jobs/a.yaml", scheduleId: "hourly" })).toEqual(["conveyor run /jobs/a.yaml", "conveyor schedule enable hourly"]);
    expect(actionCommands(action("fix-input", "amc.audience-too-small"), { runId: "r1" })).toEqual([]);
    expect(actionCommands(action("contact-support", "x.support"), { runId: "r1" })).toEqual([]);
  });
});
