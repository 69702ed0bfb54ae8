import { ConnectorError } from "@conveyor/core";
import { describe, expect, it } from "vitest";
import { existingHash, hashPii, normalize, PII_TYPES, resolveCountry, sha256Hex, type PiiType } from "../src/index.js";
import { sha256 } from "./helpers.js";

describe("hashing", () => {
  it("sha256Hex matches node's createHash for ASCII, accents and astral characters", () => {
    for (const text of ["abc@example.com", "plazaespaña1", "三a", "😀"]) expect(sha256Hex(text)).toBe(sha256(text));
  });

  it("recognises 64 hex characters in either case, and nothing shorter, longer or non-hex", () => {
    expect(existingHash("AB".repeat(32))).toBe("ab".repeat(32));
    expect(existingHash("ab".repeat(31))).toBeUndefined();
    expect(existingHash("ab".repeat(32) + "a")).toBeUndefined();
    expect(existingHash("g" + "a".repeat(63))).toBeUndefined();
  });

  it("every type defaults to the US when no country is given", () => {
    for (const type of PII_TYPES) expect(hashPii(type, "5714120599")).toBe(hashPii(type, "5714120599", { country: "US" }));
  });
});

describe("options", () => {
  it("country codes are case-insensitive and UK means GB", () => {
    expect(resolveCountry("gb")).toBe("GB");
    expect(resolveCountry("UK")).toBe("GB");
    expect(resolveCountry(undefined)).toBe("US");
  });

  it("an unknown type is refused with pii.invalid-type listing the types", () => {
    try {
      normalize("SSN" as PiiType, "x");
      expect.unreachable();
    } catch (error) {
      expect((error as ConnectorError).code).toBe("pii.invalid-type");
      expect((error as Error).message).toContain("EMAIL, FIRST_NAME");
    }
  });

  it("an unknown country is refused even for types that do not use it", () => {
    expect(() => hashPii("EMAIL", "a@b.c", { country: "Narnia" })).toThrow(/ISO 3166-1 alpha-2/);
  });

  it("values that are not text (a boolean, a date) are null", () => {
    expect(hashPii("EMAIL", true as never)).toBeNull();
    expect(hashPii("ZIP", new Date() as never)).toBeNull();
  });
});
