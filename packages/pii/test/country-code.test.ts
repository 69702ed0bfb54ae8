import { describe } from "vitest";
import { checkCases, checkCommonCases } from "./helpers.js";

describe("COUNTRY_CODE (inferred rule: lower-case alpha-2)", () => {
  checkCases("COUNTRY_CODE", [
    { why: "an upper-case code is lowered", input: "US", expected: "us" },
    { why: "surrounding spaces are dropped", input: " gb ", expected: "gb" },
    { why: "dots are dropped", input: "U.S.", expected: "us" },
    { why: "a space inside is dropped", input: "F R", expected: "fr" },
    { why: "an already lower-case code stays", input: "de", expected: "de" },
    { why: "a mixed-case code is lowered", input: "Jp", expected: "jp" },
    { why: "a three-letter code is not alpha-2 and is invalid", input: "USA", expected: null },
    { why: "a country name is invalid", input: "United States", expected: null },
    { why: "one letter is invalid", input: "U", expected: null },
    { why: "digits are invalid", input: "12", expected: null },
    { why: "letters with a digit are invalid", input: "fr1", expected: null },
  ]);
  checkCommonCases("COUNTRY_CODE");
});
