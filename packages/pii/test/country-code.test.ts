import { describe } from "vitest";
import { checkCases, checkCommonCases } from "./helpers.js";

// Amazon's uploader has no COUNTRY_CODE rule: its default normalizer (the name rule) applies.
// Expected values obtained by running Amazon's DefaultNormalizer (source/glue/library/default_normalizer.py).
describe("COUNTRY_CODE (Amazon's default rule, as for names)", () => {
  checkCases("COUNTRY_CODE", [
    { why: "an upper-case code is lowered", input: "US", expected: "us" },
    { why: "surrounding spaces are dropped", input: " gb ", expected: "gb" },
    { why: "dots are dropped", input: "U.S.", expected: "us" },
    { why: "a space inside is dropped", input: "F R", expected: "fr" },
    { why: "an already lower-case code stays", input: "de", expected: "de" },
    { why: "a mixed-case code is lowered", input: "Jp", expected: "jp" },
    { why: "a three-letter code is not refused: Amazon hashes it as it is", input: "USA", expected: "usa" },
    { why: "a country name is not refused either", input: "United States", expected: "unitedstates" },
    { why: "the name rule's transliteration applies", input: "Österreich", expected: "oesterreich" },
    { why: "one letter is kept", input: "U", expected: "u" },
    { why: "digits are kept", input: "12", expected: "12" },
    { why: "nothing left is invalid", input: "--", expected: null },
  ]);
  checkCommonCases("COUNTRY_CODE");
});
