import { createHash } from "node:crypto";
import { expect, it } from "vitest";
import { hashPii, normalize, type PiiType } from "../src/index.js";

/** Reference SHA-256, computed independently of the package's own hashing. */
export function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

export interface Case {
  /** Why this case matters; becomes the test name. */
  why: string;
  input: string;
  /** Expected normalized form; null for invalid or empty. */
  expected: string | null;
  country?: string;
}

/** One test per case: the normalized form, and the hash being exactly the SHA-256 of it. */
export function checkCases(type: PiiType, cases: readonly Case[]): void {
  for (const c of cases) {
    it(`${c.why}: ${JSON.stringify(c.input)}${c.country ? ` (${c.country})` : ""} → ${c.expected === null ? "null" : JSON.stringify(c.expected)}`, () => {
      const options = c.country ? { country: c.country } : {};
      expect(normalize(type, c.input, options)).toBe(c.expected);
      expect(hashPii(type, c.input, options)).toBe(c.expected === null ? null : sha256(c.expected));
    });
  }
}

const UPPER_HEX = "9ECEB13483D7F187EC014FD6D4854D1420CFC634328AF85F51D0323BA8622E21";

/** Cases every type shares: existing hashes pass through lower-cased; blanks are null. */
export function checkCommonCases(type: PiiType, country?: string): void {
  const options = country ? { country } : {};
  it("an upper-case SHA-256 hex digest is already hashed: passed through lower-cased, not hashed again", () => {
    expect(normalize(type, UPPER_HEX, options)).toBe(UPPER_HEX.toLowerCase());
    expect(hashPii(type, UPPER_HEX, options)).toBe(UPPER_HEX.toLowerCase());
  });
  it("a digest with surrounding whitespace is still recognised as a digest", () => {
    expect(hashPii(type, ` ${UPPER_HEX.toLowerCase()}\n`, options)).toBe(UPPER_HEX.toLowerCase());
  });
  it("empty, blank and null values are null, never the hash of the empty string", () => {
    for (const blank of ["", "   ", "\t\n", null, undefined]) {
      expect(normalize(type, blank, options)).toBeNull();
      expect(hashPii(type, blank, options)).toBeNull();
    }
  });
}
