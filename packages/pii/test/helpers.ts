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

const DIGEST = "9eceb13483d7f187ec014fd6d4854d1420cfc634328af85f51d0323ba8622e21";

/**
 * Cases every type shares. Digests as Amazon's uploader recognises them (its skip_record_flag:
 * `^[a-f0-9]{64}$`) pass through; anything else — upper-case hex, hex with spaces around it —
 * is normalized by the type's own rule (each type's tests give the value). Blanks are null.
 */
export function checkCommonCases(type: PiiType, country?: string): void {
  const options = country ? { country } : {};
  it("64 lower-case hex characters are already hashed: passed through, not hashed again", () => {
    expect(normalize(type, DIGEST, options)).toBe(DIGEST);
    expect(hashPii(type, DIGEST, options)).toBe(DIGEST);
  });
  it("a digest followed by one newline passes through as it is (Python's $ matches before it)", () => {
    expect(hashPii(type, `${DIGEST}\n`, options)).toBe(`${DIGEST}\n`);
  });
  it("upper-case hex and hex with spaces around it are not digests for Amazon: never passed through", () => {
    for (const value of [DIGEST.toUpperCase(), ` ${DIGEST}`, `${DIGEST}  `, `${DIGEST}\n\n`]) {
      expect(normalize(type, value, options), JSON.stringify(value)).not.toBe(value);
      expect(hashPii(type, value, options), JSON.stringify(value)).not.toBe(DIGEST);
    }
  });
  it("empty, blank and null values are null, never the hash of the empty string", () => {
    for (const blank of ["", "   ", "\t\n", null, undefined]) {
      expect(normalize(type, blank, options)).toBeNull();
      expect(hashPii(type, blank, options)).toBeNull();
    }
  });
}
