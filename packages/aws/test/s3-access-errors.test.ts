import { describe, expect, it } from "vitest";
import { isWorkflowActionKind, type WorkflowAction } from "@conveyor/core";
import { invalidBucketNameAction, invalidCredentialsAction, invalidPermissionsAction, s3Error, stsError } from "../src/index.js";

/** Shaped as the SDK's service exceptions: a name and the response metadata. */
const sdkError = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status }, $fault: status >= 500 ? "server" : "client" });
const context = { bucket: "b", operation: "writing exports/x", actions: ["s3:PutObject"], resource: "arn:aws:s3:::b/exports/*", identity: "arn:aws:iam::210987654321:role/r" };

describe("s3Error", () => {
  it("maps AccessDenied to Invalid permissions naming the actions and resource", () => {
    const e = s3Error(sdkError("AccessDenied", 403), context);
    expect(e).toMatchObject({ code: "s3.access-denied", category: "needs-person" });
    expect(e.action).toMatchObject({ kind: "fix-permissions", id: "s3.access-denied", title: "Invalid permissions" });
    expect(e.action?.problem).toBe("arn:aws:iam::210987654321:role/r lacks s3:PutObject on arn:aws:s3:::b/exports/*.");
  });

  it.each(["NoSuchBucket", "InvalidBucketName"])("maps %s to Invalid bucket name with the spec's four steps", (name) => {
    const e = s3Error(sdkError(name, name === "NoSuchBucket" ? 404 : 400), context);
    expect(e.code).toBe("s3.invalid-bucket-name");
    expect(e.action).toMatchObject({ kind: "fix-settings", id: "s3.invalid-bucket-name" });
    expect(e.action?.steps).toHaveLength(4);
    expect(e.action?.steps[0]).toContain("verify the name of the Amazon S3 bucket");
  });

  it.each(["ExpiredToken", "InvalidAccessKeyId", "SignatureDoesNotMatch"])("maps %s to Invalid credentials", (name) => {
    expect(s3Error(sdkError(name, name === "ExpiredToken" ? 400 : 403), context)).toMatchObject({ code: "credentials.invalid", action: { kind: "fix-credentials", title: "Invalid credentials" } });
  });

  it("maps 5xx, SlowDown and network failures to a retryable s3.transient", () => {
    expect(s3Error(sdkError("SlowDown", 503), context)).toMatchObject({ code: "s3.transient", retryable: true });
    expect(s3Error(sdkError("InternalError", 500), context)).toMatchObject({ code: "s3.transient", retryable: true });
    expect(s3Error(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), context)).toMatchObject({ code: "s3.transient", retryable: true });
  });
});

describe("the AWS workflow actions", () => {
  const role = "arn:aws:iam::210987654321:role/r";
  const produced: Record<string, WorkflowAction | undefined> = {
    "invalid bucket name": invalidBucketNameAction("b"),
    "invalid permissions": invalidPermissionsAction({ actions: ["s3:PutObject"], resource: "arn:aws:s3:::b/*", identity: role }),
    "invalid credentials": invalidCredentialsAction(role),
    "invalid credentials, no role": invalidCredentialsAction(),
    "S3 AccessDenied": s3Error(sdkError("AccessDenied", 403), context).action,
    "S3 NoSuchBucket": s3Error(sdkError("NoSuchBucket", 404), context).action,
    "S3 ExpiredToken": s3Error(sdkError("ExpiredToken", 400), context).action,
    "STS AccessDenied": stsError(sdkError("AccessDenied", 403), { operation: "assuming the role", roleArn: role }).action,
  };

  it.each(Object.entries(produced))("%s: a known kind, a problem and steps, and no `conveyor` command", (_, action) => {
    expect(action).toBeDefined();
    expect(isWorkflowActionKind(action!.kind)).toBe(true);
    expect(action!.problem.length).toBeGreaterThan(0);
    expect(action!.steps.length).toBeGreaterThan(0);
    expect(JSON.stringify(action)).not.toMatch(/conveyor /i);
  });
});
