import { describe, expect, it } from "vitest";
import { hashPii } from "../src/index.js";
import { checkCases, checkCommonCases, sha256 } from "./helpers.js";

describe("ZIP", () => {
  checkCases("ZIP", [
    { why: "US: ZIP+4 with a space keeps the first five digits", input: "75236 9599", expected: "75236", country: "US" },
    { why: "US: a leading zero is kept (a string, not a number)", input: "02134", expected: "02134", country: "US" },
    { why: "US: letters around the digits are removed", input: "ZIP: 10001", expected: "10001", country: "US" },
    { why: "US: fewer than five digits is invalid", input: "752", expected: null, country: "US" },
    { why: "FR: first five digits, letters removed", input: "F-75008 Paris", expected: "75008", country: "FR" },
    { why: "DE: the default five-digit rule", input: "10115", expected: "10115", country: "DE" },
    { why: "CA: the space is removed and the case is kept, as Amazon keeps it", input: "k1a 0b1", expected: "k1a0b1", country: "CA" },
    { why: "CA: upper case stays upper case", input: "K1A 0B1", expected: "K1A0B1", country: "CA" },
    { why: "CA: five characters is incomplete", input: "K1A0B", expected: null, country: "CA" },
    { why: "CA: digits only do not have the A1A1A1 shape", input: "123456", expected: null, country: "CA" },
    { why: "GB: outward and inward codes joined", input: "SW1A 1AA", expected: "SW1A1AA", country: "GB" },
    { why: "GB: lower case kept", input: "ec1a 1bb", expected: "ec1a1bb", country: "GB" },
    { why: "GB: cut to seven characters before the shape check", input: "SW1A 1AAX", expected: "SW1A1AA", country: "GB" },
    { why: "GB: digits only are not a postcode", input: "12345", expected: null, country: "GB" },
    { why: "JP: the 〒 mark and hyphen are removed", input: "〒150-0001", expected: "1500001", country: "JP" },
    { why: "JP: six digits is invalid", input: "150-00", expected: null, country: "JP" },
    { why: "IN: the space is removed", input: "110 001", expected: "110001", country: "IN" },
    { why: "IN: Devanagari digits are digits to Amazon's Unicode \\d and are kept", input: "११०००१", expected: "११०००१", country: "IN" },
  ]);
  checkCommonCases("ZIP", "US");

  it("a ZIP stored as a number is read in decimal", () => {
    expect(hashPii("ZIP", 75236, { country: "US" })).toBe(sha256("75236"));
  });
});
