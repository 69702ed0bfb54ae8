import { ConnectorError } from "@conveyor/core";
import { describe, expect, it } from "vitest";
import { existingHash, hashPii, normalize, PII_TYPES, resolveCountry, sha256Hex, SUPPORTED_COUNTRIES, type PiiType } from "../src/index.js";
import { sha256 } from "./helpers.js";

describe("hashing", () => {
  it("sha256Hex matches node's createHash for ASCII, accents and astral characters", () => {
    for (const text of ["abc@example.com", "plazaespaña1", "三a", "😀"]) expect(sha256Hex(text)).toBe(sha256(text));
  });

  it("recognises a digest as Amazon does: 64 lower-case hex characters, a final newline allowed, nothing else", () => {
    expect(existingHash("ab".repeat(32))).toBe("ab".repeat(32));
    expect(existingHash("ab".repeat(32) + "\n")).toBe("ab".repeat(32) + "\n");
    expect(existingHash("AB".repeat(32))).toBeUndefined();
    expect(existingHash("Ab".repeat(32))).toBeUndefined();
    expect(existingHash(" " + "ab".repeat(32))).toBeUndefined();
    expect(existingHash("ab".repeat(32) + " ")).toBeUndefined();
    expect(existingHash("ab".repeat(32) + "\n\n")).toBeUndefined();
    expect(existingHash("ab".repeat(31))).toBeUndefined();
    expect(existingHash("ab".repeat(32) + "a")).toBeUndefined();
    expect(existingHash("g" + "a".repeat(63))).toBeUndefined();
  });

  it("upper-case hex is normalized by the type's rule, as Amazon's code does (values from running it)", () => {
    const upper = "9ECEB13483D7F187EC014FD6D4854D1420CFC634328AF85F51D0323BA8622E21";
    expect(hashPii("EMAIL", upper)).toBeNull();
    expect(hashPii("PHONE", upper)).toBeNull();
    expect(normalize("FIRST_NAME", upper)).toBe(upper.toLowerCase());
    expect(hashPii("FIRST_NAME", upper)).toBe(sha256(upper.toLowerCase()));
    expect(normalize("ADDRESS", upper)).toBe(upper.toLowerCase());
    expect(normalize("ZIP", upper)).toBe("91348");
  });

  it("every type defaults to the US when no country is given", () => {
    for (const type of PII_TYPES) expect(hashPii(type, "5714120599")).toBe(hashPii(type, "5714120599", { country: "US" }));
  });
});

describe("options", () => {
  it("the nine countries Amazon's job accepts, case-insensitive and trimmed; US by default", () => {
    expect(SUPPORTED_COUNTRIES).toEqual(["US", "CA", "GB", "FR", "DE", "ES", "IT", "JP", "IN"]);
    for (const country of SUPPORTED_COUNTRIES) expect(resolveCountry(country.toLowerCase())).toBe(country);
    expect(resolveCountry(" gb ")).toBe("GB");
    expect(resolveCountry(undefined)).toBe("US");
    expect(resolveCountry("  ")).toBe("US");
  });

  it("UK is refused, as Amazon's job refuses it (the United Kingdom is GB)", () => {
    try {
      resolveCountry("UK");
      expect.unreachable();
    } catch (error) {
      expect((error as ConnectorError).code).toBe("pii.invalid-country");
      expect((error as ConnectorError).category).toBe("invalid-input");
      expect((error as Error).message).toContain("GB");
    }
    expect(() => hashPii("ZIP", "SW1A 1AA", { country: "UK" })).toThrow(/United Kingdom is GB/);
  });

  it("other ISO codes are refused: Amazon's job and address normalizer support only the nine", () => {
    for (const country of ["BR", "NL", "AU", "MX", "USA"]) expect(() => resolveCountry(country), country).toThrow(/US, CA, GB, FR, DE, ES, IT, JP, IN/);
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
    expect(() => hashPii("EMAIL", "a@b.c", { country: "Narnia" })).toThrow(/not one Amazon's normalization supports/);
  });

  it("values that are not text (a boolean, a date) are null", () => {
    expect(hashPii("EMAIL", true as never)).toBeNull();
    expect(hashPii("ZIP", new Date() as never)).toBeNull();
  });
});
