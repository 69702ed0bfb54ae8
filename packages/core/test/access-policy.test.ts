import { describe, expect, it } from "vitest";
import { ConnectorError, exitCodeFor } from "../src/errors.js";
import { checkAccess, principalSchema, type AccessRules, type Principal } from "../src/policy/index.js";
import type { Schema } from "../src/schema.js";
import { problemsFromZod } from "../src/settings/problems.js";

const operator: Principal = { role: "operator", restricted_pii: false };
const businessUser: Principal = { role: "business_user", restricted_pii: false };
const restricted: Principal = { role: "business_user", restricted_pii: true };

const noPii: Schema = {
  columns: [
    { name: "id", type: "long", nullable: false },
    { name: "score", type: "double", nullable: true },
  ],
};
const withPii: Schema = {
  columns: [
    { name: "id", type: "long", nullable: false },
    { name: "email", type: "string", nullable: true, pii: "EMAIL" },
    { name: "phone", type: "string", nullable: true, pii: "PHONE" },
  ],
};

function refusal(principal: Principal, destination: AccessRules, template: AccessRules | undefined, schema: Schema): ConnectorError {
  try {
    checkAccess(principal, destination, template, schema);
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorError);
    return error as ConnectorError;
  }
  throw new Error("expected the send to be refused");
}

describe("principalSchema", () => {
  it("defaults to an unrestricted operator", () => {
    expect(principalSchema.parse({})).toEqual(operator);
    expect(principalSchema.parse({ role: "business_user", restricted_pii: true })).toEqual(restricted);
  });

  it("refuses unknown roles and keys, saying what is allowed", () => {
    const result = principalSchema.safeParse({ role: "admin", restricted: true });
    expect(result.success).toBe(false);
    expect(problemsFromZod(result.error!, "principal")).toEqual([
      { path: "principal.role", message: 'must be one of "operator", "business_user"', severity: "error" },
      { path: "principal", message: 'unknown setting "restricted"', severity: "error" },
    ]);
  });
});

describe("checkAccess: business users", () => {
  it("lets operators use any destination", () => {
    expect(() => checkAccess(operator, {}, undefined, withPii)).not.toThrow();
    expect(() => checkAccess(operator, { allow_business_users: false }, { allow_business_users: false }, noPii)).not.toThrow();
  });

  it("refuses a business user when neither the destination nor the data template allows them", () => {
    for (const [destination, template] of [
      [{}, undefined],
      [{ allow_business_users: false }, {}],
      [{}, { allow_business_users: false }],
    ] as const) {
      const error = refusal(businessUser, destination, template, noPii);
      expect(error.code).toBe("policy.business-users-not-allowed");
      expect(error.category).toBe("needs-person");
      expect(error.retryable).toBe(false);
      expect(exitCodeFor(error)).toBe(3);
      expect(error.message).toBe(
        "Business users may not send data to this destination: allow_business_users is off on the destination and on its data template.",
      );
      expect(error.action).toEqual({
        kind: "fix-permissions",
        id: "policy.business-users-not-allowed",
        title: "Allow business users",
        problem: "This destination is not available to business users.",
        steps: [
          "Ask an operator to open the destination used by this workflow.",
          "Turn on allow_business_users in the destination's settings or in its data template (template.allow_business_users).",
          "Save the destination or data template.",
          "Return to the failed run and resolve it to retry.",
        ],
      });
    }
  });

  it("allows a business user when the destination or the data template allows them", () => {
    expect(() => checkAccess(businessUser, { allow_business_users: true }, undefined, noPii)).not.toThrow();
    expect(() => checkAccess(businessUser, { allow_business_users: true }, { allow_business_users: false }, noPii)).not.toThrow();
    expect(() => checkAccess(businessUser, {}, { allow_business_users: true }, noPii)).not.toThrow();
  });

  it("checks business-user access before PII", () => {
    expect(refusal(restricted, {}, {}, withPii).code).toBe("policy.business-users-not-allowed");
  });
});

describe("checkAccess: restricted PII", () => {
  const business = { allow_business_users: true };

  it("lets a restricted principal send a schema without PII columns", () => {
    expect(() => checkAccess(restricted, business, undefined, noPii)).not.toThrow();
  });

  it("lets an unrestricted business user send PII columns", () => {
    expect(() => checkAccess(businessUser, business, undefined, withPii)).not.toThrow();
  });

  it("refuses PII columns unless both the destination and the data template allow restricted-PII users", () => {
    const cases: Array<[AccessRules, AccessRules | undefined, string]> = [
      [business, {}, "destination (off) and its data template (off)"],
      [{ ...business, allow_restricted_pii: true }, {}, "destination (on) and its data template (off)"],
      [business, { allow_restricted_pii: true }, "destination (off) and its data template (on)"],
      [{ ...business, allow_restricted_pii: true }, undefined, "destination (on) and its data template (no data template)"],
    ];
    for (const [destination, template, state] of cases) {
      const error = refusal(restricted, destination, template, withPii);
      expect(error.code).toBe("policy.restricted-pii");
      expect(error.category).toBe("needs-person");
      expect(error.message).toBe(
        "This send includes columns marked as PII — email (EMAIL), phone (PHONE) — and the sender has restricted PII access. " +
          `allow_restricted_pii must be on for both the ${state}.`,
      );
      expect(error.details).toEqual({ columns: ["email", "phone"] });
      expect(error.action).toMatchObject({ kind: "fix-permissions", id: "policy.restricted-pii", title: "Allow restricted PII users" });
      expect(error.action?.problem).toBe(
        "Users with restricted PII access may not send the PII columns email (EMAIL), phone (PHONE) to this destination.",
      );
      expect(error.action?.steps).toHaveLength(4);
      expect(error.action?.steps[1]).toContain("allow_restricted_pii in the destination's settings and in its data template");
    }
  });

  it("allows PII columns when both allow restricted-PII users", () => {
    expect(() => checkAccess(restricted, { ...business, allow_restricted_pii: true }, { allow_restricted_pii: true }, withPii)).not.toThrow();
  });

  it("applies to operators with restricted PII access too", () => {
    const error = refusal({ role: "operator", restricted_pii: true }, {}, undefined, withPii);
    expect(error.code).toBe("policy.restricted-pii");
    expect(() => checkAccess({ role: "operator", restricted_pii: true }, { allow_restricted_pii: true }, { allow_restricted_pii: true }, withPii)).not.toThrow();
  });
});
