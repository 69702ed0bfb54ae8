import { describe, expect, it } from "vitest";
import { hashPii } from "../src/index.js";
import { libraryPhoneNormalizer, phoneNormalizer } from "../src/normalizers/phone.js";
import { checkCases, checkCommonCases, sha256 } from "./helpers.js";

describe("PHONE", () => {
  checkCases("PHONE", [
    { why: "US national number with brackets gets calling code 1", input: "(571) 412-0599", expected: "15714120599", country: "US" },
    { why: "US dotted number", input: "571.412.0599", expected: "15714120599", country: "US" },
    { why: "US number already starting with 1 is not given a second 1", input: "1-571-412-0599", expected: "15714120599", country: "US" },
    { why: "a + number keeps its own calling code whatever the dataset country", input: "+44 20 7946 0958", expected: "442079460958", country: "US" },
    { why: "+1 wins over a JP dataset country", input: "+1 (413) 871-4499", expected: "14138714499", country: "JP" },
    { why: "GB trunk prefix 0 is dropped", input: "020 7946 0958", expected: "442079460958", country: "GB" },
    { why: "JP trunk prefix 0 is dropped", input: "03-1234-5678", expected: "81312345678", country: "JP" },
    { why: "FR mobile with trunk 0", input: "06 12 34 56 78", expected: "33612345678", country: "FR" },
    { why: "IN mobile gets 91", input: "98765 43210", expected: "919876543210", country: "IN" },
    { why: "the international prefix 00 from DE is understood", input: "00 44 20 7946 0958", expected: "442079460958", country: "DE" },
    { why: "the international prefix 011 from the US is understood", input: "011 44 20 7946 0958", expected: "442079460958", country: "US" },
    { why: "an extension is not part of the E.164 number", input: "5714120599 ext. 12", expected: "15714120599", country: "US" },
    { why: "full-width digits are read as digits", input: "１５７１４１２０５９９", expected: "15714120599", country: "US" },
    { why: "a seven-digit local number is not a possible full number", input: "555-1234", expected: null, country: "US" },
    { why: "too short", input: "12345", expected: null, country: "US" },
    { why: "no digits", input: "call me", expected: null, country: "US" },
  ]);
  checkCommonCases("PHONE", "US");

  it("a phone stored as a bigint is read in decimal", () => {
    expect(hashPii("PHONE", 5714120599n, { country: "US" })).toBe(sha256("15714120599"));
  });

  it("the North American shortcut gives libphonenumber's answer for every spelling it accepts", () => {
    const spellings = (area: string, exchange: string, line: string): string[] => [
      `${area}${exchange}${line}`,
      `(${area}) ${exchange}-${line}`,
      `(${area})${exchange}-${line}`,
      `${area}.${exchange}.${line}`,
      `${area}-${exchange}-${line}`,
      `1${area}${exchange}${line}`,
      `1 ${area} ${exchange} ${line}`,
      `1-(${area}) ${exchange} ${line}`,
      `+1${area}${exchange}${line}`,
      `+1 (${area}) ${exchange}-${line}`,
      ` +1.${area}.${exchange}.${line} `,
    ];
    let checked = 0;
    for (const country of ["US", "CA", "JP", "GB", "DE"]) {
      const fast = phoneNormalizer(country);
      const reference = libraryPhoneNormalizer(country);
      for (let i = 0; i < 150; i++) {
        const n = (Math.imul(i + 7, 2654435761) >>> 0) % 10_000_000_000;
        const digits = String(n).padStart(10, "0");
        // Include area codes starting 0/1, which the shortcut must leave to the library.
        for (const spelling of spellings(digits.slice(0, 3), digits.slice(3, 6), digits.slice(6))) {
          expect(fast(spelling), `${country} ${spelling}`).toBe(reference(spelling.trim()));
          checked++;
        }
      }
    }
    expect(checked).toBe(5 * 150 * 11);
  });
});
