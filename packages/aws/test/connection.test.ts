import { describe, expect, it } from "vitest";
import { hostIdentityProblems } from "../src/index.js";

describe("hostIdentityProblems", () => {
  const identity = (settings: Record<string, string | boolean>) => hostIdentityProblems({ aws_default_credentials: false, ...settings });

  it("takes keys, or the SDK's default chain when the host chooses it", () => {
    expect(identity({ aws_access_key_id: "AKIAHOST", aws_secret_access_key: "s" })).toEqual([]);
    expect(identity({ aws_access_key_id: "ASIAHOST", aws_secret_access_key: "s", aws_session_token: "t" })).toEqual([]);
    expect(identity({ aws_default_credentials: true })).toEqual([]);
  });

  it("refuses missing or incomplete keys as credentials.invalid with a fix-credentials action", () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{}, "aws_access_key_id"],
      [{ aws_access_key_id: "AKIAHOST" }, "aws_secret_access_key"],
      [{ aws_secret_access_key: "SECRETVALUE" }, "aws_access_key_id"],
      [{ aws_session_token: "TOKENVALUE" }, "aws_access_key_id"],
    ];
    for (const [settings, path] of cases) {
      const problems = identity(settings);
      expect(problems).toEqual([expect.objectContaining({ path, severity: "error", code: "credentials.invalid", action: expect.objectContaining({ kind: "fix-credentials", id: "credentials.invalid" }) })]);
      // The host's secrets are never repeated back.
      expect(JSON.stringify(problems)).not.toMatch(/SECRETVALUE|TOKENVALUE/);
    }
    expect(identity({})[0]?.message).toContain("aws_default_credentials: true");
  });
});
