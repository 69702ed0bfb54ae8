import { isWorkflowActionKind, WORKFLOW_ACTION_KINDS, type WorkflowAction } from "@conveyor/core";
import { expect } from "vitest";

/**
 * What any host can render of a workflow action: a known `kind` (its own button), a problem and
 * steps in plain words — none naming a `conveyor` command, which only the CLI adds.
 */
export function expectRenderableAction(action: WorkflowAction | undefined, label = "the action"): void {
  expect(action, `${label} is there`).toBeDefined();
  expect(isWorkflowActionKind(action?.kind), `${label} has one of the kinds ${WORKFLOW_ACTION_KINDS.join(", ")}, not ${String(action?.kind)}`).toBe(true);
  expect(action?.problem?.length ?? 0, `${label} says what went wrong`).toBeGreaterThan(0);
  expect(action?.steps.length ?? 0, `${label} says what to do`).toBeGreaterThan(0);
  expect(JSON.stringify(action), `${label} names no \`conveyor\` command`).not.toMatch(/conveyor /);
}
