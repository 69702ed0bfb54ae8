import { describe, expect, it } from "vitest";
import { externalIdProblem, externalIdSchema, parseRoleArn, roleArnProblem, roleArnSchema, sessionNameFrom, sessionNameProblem } from "../src/index.js";

describe("role ARN rules", () => {
  it.each([
    "arn:aws:iam::123456789012:role/prod/amperity-plugin",
    "arn:aws:iam::123456789012:role/a",
    "arn:aws-cn:iam::123456789012:role/x+=,.@-_",
    "arn:aws-us-gov:iam::123456789012:role/a/b/c/name",
  ])("accepts %s", (arn) => expect(roleArnProblem(arn)).toBeUndefined());

  it.each([
    ["arn:aws:iam::123456789012:user/bob", "must be a role ARN"],
    ["arn:azure:iam::123456789012:role/x", 'partition "azure"'],
    ["arn:aws:iam::12345:role/x", "12-digit"],
    ["arn:aws:iam::123456789012:role/has space", "role name must be 1–64"],
    [`arn:aws:iam::123456789012:role/${"n".repeat(65)}`, "role name must be 1–64"],
    [`arn:aws:iam::123456789012:role/${"p".repeat(513)}/name`, "at most 512"],
    ["arn:aws:iam::123456789012:role//name", "single '/'"],
  ])("refuses %s (%s)", (arn, message) => expect(roleArnProblem(arn)).toContain(message));

  it("splits an ARN into partition, account, path and name", () => {
    expect(parseRoleArn("arn:aws:iam::123456789012:role/prod/amperity-plugin")).toEqual({ partition: "aws", accountId: "123456789012", path: "/prod/", name: "amperity-plugin" });
    expect(parseRoleArn("arn:aws:iam::123456789012:role/r").path).toBe("/");
  });

  it("reports problems through zod without echoing the value", () => {
    const result = roleArnSchema.safeParse("arn:aws:iam::1:role/x");
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("must name a 12-digit AWS account id");
  });
});

describe("External ID and session name rules", () => {
  it("takes 2–1224 letters, digits and _+=,.@:/- without spaces", () => {
    expect(externalIdProblem("01234567890123456789")).toBeUndefined();
    expect(externalIdProblem("a+b=c,d.e@f:g/h-i_j")).toBeUndefined();
    expect(externalIdProblem("x")).toBe("must be 2–1224 characters");
    expect(externalIdProblem("x".repeat(1225))).toBe("must be 2–1224 characters");
    expect(externalIdProblem("has space")).toContain("no spaces");
    expect(externalIdProblem("semi;colon")).toContain("may contain only");
    const parsed = externalIdSchema.safeParse("secret value");
    expect(JSON.stringify(parsed.error?.issues)).not.toContain("secret value");
  });

  it("makes valid session names from run ids", () => {
    expect(sessionNameProblem("ab")).toBeUndefined();
    expect(sessionNameProblem("a")).toBeDefined();
    expect(sessionNameProblem("a b")).toBeDefined();
    const name = sessionNameFrom("run 2025/01/31 #7".repeat(10));
    expect(sessionNameProblem(name)).toBeUndefined();
    expect(name.startsWith("conveyor-run-2025-01-31--7")).toBe(true);
  });
});
