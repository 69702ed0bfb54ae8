import { describe, expect, it } from "vitest";
import { s3Error } from "../src/index.js";

/** Shaped as the SDK's service exceptions: a name and the response metadata. */
const sdkError = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status }, $fault: status >= 500 ? "server" : "client" });
const context = { bucket: "b", operation: "writing exports/x", actions: ["s3:PutObject"], resource: "arn:aws:s3:::b/exports/*", identity: "arn:aws:iam::210987654321:role/r" };

describe("s3Error", () => {
  it("maps AccessDenied to Invalid permissions naming the actions and resource", () => {
    const e = s3Error(sdkError("AccessDenied", 403), context);
    expect(e).toMatchObject({ code: "s3.access-denied", category: "needs-person" });
    expect(e.action?.title).toBe("Invalid permissions");
    expect(e.action?.description).toBe("arn:aws:iam::210987654321:role/r lacks s3:PutObject on arn:aws:s3:::b/exports/*.");
  });

  it.each(["NoSuchBucket", "InvalidBucketName"])("maps %s to Invalid bucket name with the spec's four steps", (name) => {
    const e = s3Error(sdkError(name, name === "NoSuchBucket" ? 404 : 400), context);
    expect(e.code).toBe("s3.invalid-bucket-name");
    expect(e.action?.steps).toHaveLength(4);
    expect(e.action?.steps[0]).toContain("verify the name of the Amazon S3 bucket");
  });

  it.each(["ExpiredToken", "InvalidAccessKeyId", "SignatureDoesNotMatch"])("maps %s to Invalid credentials", (name) => {
    expect(s3Error(sdkError(name, name === "ExpiredToken" ? 400 : 403), context)).toMatchObject({ code: "credentials.invalid", action: { title: "Invalid credentials" } });
  });

  it("maps 5xx, SlowDown and network failures to a retryable s3.transient", () => {
    expect(s3Error(sdkError("SlowDown", 503), context)).toMatchObject({ code: "s3.transient", retryable: true });
    expect(s3Error(sdkError("InternalError", 500), context)).toMatchObject({ code: "s3.transient", retryable: true });
    expect(s3Error(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), context)).toMatchObject({ code: "s3.transient", retryable: true });
  });
});
