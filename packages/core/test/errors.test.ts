import { describe, expect, it } from "vitest";
import { asConnectorError, ConnectorError, exitCodeFor, invalidInput } from "../src/index.js";

describe("ConnectorError", () => {
  const action = { kind: "fix-settings", id: "s3.invalid-bucket-name", title: "Invalid bucket name", problem: "The bucket does not exist.", steps: ["Verify the bucket."] } as const;

  it("derives its category: an action needs a person, retryable is transient, else internal", () => {
    expect(new ConnectorError({ code: "a", message: "m", action }).category).toBe("needs-person");
    expect(new ConnectorError({ code: "a", message: "m", retryable: true }).category).toBe("transient");
    expect(new ConnectorError({ code: "a", message: "m" }).category).toBe("internal");
    expect(new ConnectorError({ code: "a", message: "m", category: "transient" }).retryable).toBe(true);
  });

  it("maps categories to the documented exit codes", () => {
    expect(exitCodeFor(invalidInput("settings.invalid", "bad"))).toBe(2);
    expect(exitCodeFor(new ConnectorError({ code: "credentials.invalid", message: "m", action }))).toBe(3);
    expect(exitCodeFor(new ConnectorError({ code: "s3.transient", message: "m", retryable: true }))).toBe(4);
    expect(exitCodeFor(new Error("unexpected"))).toBe(1);
  });

  it("wraps unknown errors as internal, keeping the message and cause", () => {
    const cause = new TypeError("x is undefined");
    const wrapped = asConnectorError(cause);
    expect(wrapped.code).toBe("internal");
    expect(wrapped.message).toBe("x is undefined");
    expect(wrapped.cause).toBe(cause);
  });

  it("serializes to JSON with its action", () => {
    const error = new ConnectorError({ code: "s3.invalid-bucket-name", message: "NoSuchBucket", action, details: { bucket: "b" } });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      code: "s3.invalid-bucket-name",
      message: "NoSuchBucket",
      category: "needs-person",
      retryable: false,
      action,
      details: { bucket: "b" },
    });
  });

  it("recognises a ConnectorError from another copy of core by its shape", () => {
    const foreign = Object.assign(new Error("m"), { name: "ConnectorError", code: "x", category: "internal", retryable: false });
    expect(ConnectorError.is(foreign)).toBe(true);
    expect(ConnectorError.is(new Error("m"))).toBe(false);
  });
});
