import { ConnectorError, isWorkflowActionKind, workflowActions } from "@conveyor/core";
import { describe, expect, it } from "vitest";
import {
  accessDenied,
  audienceTooSmall,
  bucketNotReadable,
  datasetMissing,
  settingsProblem,
  termsNotAccepted,
  updateCredentialsAction,
  uploadFailed,
} from "../src/actions.js";

/** Every AMC failure that carries a workflow action, with the kind a host offers for it. */
const failures: Record<string, [() => ConnectorError, string]> = {
  "update credentials": [() => new ConnectorError({ code: "credentials.invalid", category: "needs-person", message: "AMC refused a fresh token", action: updateCredentialsAction("HTTP 401") }), "fix-credentials"],
  "fix settings": [() => settingsProblem("bucket", "is missing", "set bucket"), "fix-settings"],
  "access denied": [() => accessDenied("amcabc123", "AMC refused the instance", {}), "fix-permissions"],
  "terms not accepted": [() => termsNotAccepted("amcabc123", "TERMS_NOT_ACCEPTED"), "fix-permissions"],
  "dataset missing": [() => datasetMissing("absent_ds", "amcabc123"), "fix-settings"],
  "bucket not readable": [() => bucketNotReadable({ bucket: "b", instanceId: "amcabc123", amcMessage: "Access Denied" }), "fix-permissions"],
  "upload failed": [() => uploadFailed({ datasetId: "ds", uploadId: "u1", amcMessage: "bad purchase_value" }), "fix-input"],
  "audience too small": [() => audienceTooSmall({ audienceExecutionId: "a1", statusReason: "too small" }), "fix-input"],
};

describe("AMC workflow actions", () => {
  it.each(Object.entries(failures))("%s: its kind, a problem and steps, and no `conveyor` command in any of the run's actions", (_, [make, kind]) => {
    const error = make();
    expect(error.action?.kind).toBe(kind);
    for (const action of workflowActions(error)) {
      expect(isWorkflowActionKind(action.kind)).toBe(true);
      expect(action.problem.length).toBeGreaterThan(0);
      expect(action.steps.length).toBeGreaterThan(0);
      expect(JSON.stringify(action)).not.toMatch(/conveyor /);
    }
  });
});
