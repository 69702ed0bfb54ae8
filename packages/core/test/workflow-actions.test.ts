import { describe, expect, it } from "vitest";
import { thrown } from "./thrown.js";
import {
  asConnectorError,
  baseFileName,
  COMMON_ACTIONS,
  ConnectorError,
  checkAccess,
  dataTemplateSchema,
  invalidInput,
  isWorkflowActionKind,
  jobSettingsError,
  mappingValues,
  outputMapping,
  WORKFLOW_ACTION_KINDS,
  workflowActions,
  type Schema,
  type WorkflowAction,
} from "../src/index.js";

const now = new Date("2025-01-31T10:00:00Z");
const pii: Schema = { columns: [{ name: "email", type: "string", nullable: false, pii: "EMAIL" }] };


/** Every failure core itself produces, each with the actions a failed run would carry. */
const failures: Record<string, () => ConnectorError> = {
  "missing campaign name": () => thrown(() => baseFileName({ jobName: "j", now, template: dataTemplateSchema.parse({ file_name: "{{ campaign_name }}_{{ now }}" }) })),
  "missing campaign group": () => thrown(() => baseFileName({ jobName: "j", now, template: dataTemplateSchema.parse({ file_name: "{{ group_name }}_{{ now }}" }) })),
  "missing segment id": () => thrown(() => outputMapping(pii, [{ source: "email" }, { name: "seg", build: [{ value: "segment_id" }] }], mappingValues(now))),
  "business user refused": () => thrown(() => checkAccess({ role: "business_user", restricted_pii: false }, {}, undefined, pii)),
  "restricted PII refused": () => thrown(() => checkAccess({ role: "operator", restricted_pii: true }, {}, {}, pii)),
  "job settings refused": () => jobSettingsError("settings.invalid", "destination.settings.x is wrong", "Set x in the destination's settings."),
  "invalid input": () => invalidInput("input.invalid-value", "record 2 is wrong"),
  transient: () => new ConnectorError({ code: "s3.transient", message: "m", category: "transient" }),
  internal: () => asConnectorError(new TypeError("x is undefined")),
};

/** What a host can render: a known kind, an id, a title, the problem and steps — none naming a CLI command. */
function expectRenderable(action: WorkflowAction): void {
  expect(WORKFLOW_ACTION_KINDS).toContain(action.kind);
  expect(isWorkflowActionKind(action.kind)).toBe(true);
  expect(action.id.length).toBeGreaterThan(0);
  expect(action.title.length).toBeGreaterThan(0);
  expect(action.problem.length).toBeGreaterThan(0);
  expect(action.steps.length).toBeGreaterThan(0);
  expect(Object.keys(action).sort()).toEqual(["id", "kind", "problem", "steps", "title"]);
  expect(JSON.stringify(action)).not.toMatch(/conveyor /);
}

describe("the workflow actions core produces", () => {
  it.each(Object.entries(COMMON_ACTIONS))("the common %s action", (_, action) => expectRenderable(action));

  it("the common actions are the kinds a host offers as retry and restart", () => {
    expect(COMMON_ACTIONS.retryTask).toMatchObject({ kind: "retry-task", id: "retry-task" });
    expect(COMMON_ACTIONS.restartWorkflow).toMatchObject({ kind: "restart-workflow", id: "restart-workflow" });
  });

  it.each(Object.entries(failures))("%s: every action of the failed run is renderable", (_, failure) => {
    const actions = workflowActions(failure());
    expect(actions.length).toBeGreaterThan(0);
    for (const action of actions) expectRenderable(action);
  });

  it("gives each of core's own actions its kind", () => {
    const kinds = (name: string) => workflowActions(failures[name]!()).map((a) => `${a.id}:${a.kind}`);
    expect(kinds("missing campaign name")).toEqual(["template.missing-value:fix-settings", "restart-workflow:restart-workflow"]);
    expect(kinds("business user refused")).toEqual(["policy.business-users-not-allowed:fix-permissions", "retry-task:retry-task", "restart-workflow:restart-workflow"]);
    expect(kinds("restricted PII refused")[0]).toBe("policy.restricted-pii:fix-permissions");
    expect(kinds("job settings refused")[0]).toBe("settings.invalid:fix-settings");
  });

  it("isWorkflowActionKind knows exactly the documented kinds", () => {
    for (const kind of WORKFLOW_ACTION_KINDS) expect(isWorkflowActionKind(kind)).toBe(true);
    for (const other of ["fix-job", "retry", "", undefined, 3]) expect(isWorkflowActionKind(other)).toBe(false);
  });
});
