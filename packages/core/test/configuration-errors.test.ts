import { describe, expect, it } from "vitest";
import { thrown } from "./thrown.js";
import {
  baseFileName,
  ConnectorError,
  EXIT_CODES,
  exitCodeFor,
  mappingValues,
  outputMapping,
  workflowActions,
  dataTemplateSchema,
  type Schema,
} from "../src/index.js";

const now = new Date("2025-01-31T10:00:00Z");
const schema: Schema = { columns: [{ name: "email", type: "string", nullable: false }] };


/** Settings the job lacks only show when it runs: the campaign name a file name uses, the segment id a column uses. */
const runTimeRefusals = {
  "missing campaign name": () => thrown(() => baseFileName({ jobName: "j", now, template: dataTemplateSchema.parse({ file_name: "{{ campaign_name }}_{{ now }}" }) })),
  "missing segment id": () => thrown(() => outputMapping(schema, [{ source: "email" }, { name: "seg", build: [{ value: "segment_id" }] }], mappingValues(now))),
};

describe("configuration errors found at run time", () => {
  it.each(Object.entries(runTimeRefusals))("%s: exit 2, and actions to fix the job's settings and restart, not to retry", (_, refusal) => {
    const error = refusal();
    expect(error).toMatchObject({ code: "template.missing-value", category: "invalid-input", retryable: false });
    expect(exitCodeFor(error)).toBe(2);
    const actions = workflowActions(error);
    expect(actions.map((a) => a.id)).toEqual(["template.missing-value", "restart-workflow"]);
    expect(actions.map((a) => a.kind)).toEqual(["fix-settings", "restart-workflow"]);
    expect(actions[0]).toMatchObject({ title: "Fix the job's settings", problem: error.message });
  });

  it("names what to change in the job", () => {
    expect(workflowActions(runTimeRefusals["missing campaign name"]())[0]!.steps[0]).toBe("Add campaign: { name: ... } to the job, or remove {{ campaign_name }} from the template's file_name.");
    expect(workflowActions(runTimeRefusals["missing segment id"]())[0]!.steps[0]).toBe('Add segment: { id: ... } to the job, or remove segment_id from output column "seg".');
  });
});

describe("workflowActions", () => {
  const action = { kind: "fix-permissions", id: "s3.access-denied", title: "Access denied", problem: "d", steps: ["s"] } as const;

  it("offers a retry where retrying can help: transient, needs-person and internal failures", () => {
    expect(workflowActions(new ConnectorError({ code: "s3.slow-down", message: "m", retryable: true })).map((a) => a.id)).toEqual(["retry-task", "restart-workflow"]);
    expect(workflowActions(new ConnectorError({ code: "s3.access-denied", message: "m", action })).map((a) => a.id)).toEqual(["s3.access-denied", "retry-task", "restart-workflow"]);
    expect(workflowActions(new TypeError("x")).map((a) => a.id)).toEqual(["retry-task", "restart-workflow"]);
  });

  it("offers no retry for a refusal of the job, settings or input", () => {
    const refusal = new ConnectorError({ code: "input.invalid-value", message: "m", category: "invalid-input" });
    expect(workflowActions(refusal).map((a) => a.id)).toEqual(["restart-workflow"]);
    expect(EXIT_CODES[refusal.category]).toBe(2);
  });
});
