import { isAllowed, isTrusted, roleFromPolicies, trustFromPolicy } from "@conveyor/testkit";
import { describe, expect, it } from "vitest";
import { objectsResource, permissionPolicy, trustPolicy } from "../src/index.js";

describe("policy generators", () => {
  it("writes the spec's trust policy, which the emulator's model reads as 'this principal, only with this External ID'", () => {
    const doc = trustPolicy({ principalArn: "arn:aws:iam::123456789012:role/platform", externalId: "ext-1" });
    expect(JSON.parse(JSON.stringify(doc))).toEqual({
      Version: "2012-10-17",
      Statement: [{ Sid: "AllowConveyorAccess", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/platform" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": "ext-1" } } }],
    });
    const trust = trustFromPolicy(doc);
    expect(isTrusted(trust, ["arn:aws:iam::123456789012:role/platform"], "ext-1")).toBe(true);
    expect(isTrusted(trust, ["arn:aws:iam::123456789012:role/platform"], undefined)).toBe(false);
    expect(isTrusted(trust, ["arn:aws:iam::999999999999:role/other"], "ext-1")).toBe(false);
  });

  it("grants only writing under the prefix, with s3:DeleteObject only for probe cleanup", () => {
    const withCleanup = roleFromPolicies({ arn: "arn:aws:iam::123456789012:role/r", trustPolicy: trustPolicy({ principalArn: "*" }), permissionPolicies: [permissionPolicy({ bucket: "b", prefix: "exports/", probeCleanup: true })] });
    expect(isAllowed(withCleanup.grants!, "s3:PutObject", "b/exports/x.csv")).toBe(true);
    expect(isAllowed(withCleanup.grants!, "s3:AbortMultipartUpload", "b/exports/x.csv")).toBe(true);
    expect(isAllowed(withCleanup.grants!, "s3:DeleteObject", "b/exports/x.csv")).toBe(true);
    expect(isAllowed(withCleanup.grants!, "s3:PutObject", "b/other/x.csv")).toBe(false);
    expect(isAllowed(withCleanup.grants!, "s3:GetObject", "b/exports/x.csv")).toBe(false);
    const noCleanup = permissionPolicy({ bucket: "b", probeCleanup: false });
    expect(noCleanup.Statement[0]!.Action).not.toContain("s3:DeleteObject");
    expect(noCleanup.Statement[0]!.Resource).toBe("arn:aws:s3:::b/*");
  });

  it("names resources in the role's partition", () => {
    expect(objectsResource("b", "p/", "aws-cn")).toBe("arn:aws-cn:s3:::b/p/*");
  });
});
