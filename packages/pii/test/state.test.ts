import { describe } from "vitest";
import { checkCases, checkCommonCases } from "./helpers.js";

describe("STATE", () => {
  checkCases("STATE", [
    { why: "a code is lower-cased", input: "TX", expected: "tx", country: "US" },
    { why: "a code with a dot: letters kept, first two", input: "tx.", expected: "tx", country: "US" },
    { why: "a full name with a space is found once spaces are removed", input: "New York", expected: "ny", country: "US" },
    { why: "a full name with a hyphen is found too", input: "new-york", expected: "ny", country: "US" },
    { why: "an unknown name longer than two characters becomes its first two letters", input: "Calif.", expected: "ca", country: "US" },
    { why: "tables are per country: Quebec is not a US state", input: "Quebec", expected: "qu", country: "US" },
    { why: "Quebec is a Canadian province", input: "Quebec", expected: "qc", country: "CA" },
    { why: "accents are folded for the name lookup (addition to Amazon's rule)", input: "Québec", expected: "qc", country: "CA" },
    { why: "Amazon's German table uses English names", input: "Bavaria", expected: "by", country: "DE" },
    { why: "the German name is an alias added here (Amazon would give 'ba')", input: "Bayern", expected: "by", country: "DE" },
    { why: "ü folds to u to find the alias", input: "Baden-Württemberg", expected: "bw", country: "DE" },
    { why: "Spanish province codes can be one letter", input: "Madrid", expected: "m", country: "ES" },
    { why: "French region with accent and hyphens", input: "Île-de-France", expected: "if", country: "FR" },
    { why: "Italian province by its Italian name (alias)", input: "Milano", expected: "mi", country: "IT" },
    { why: "a US district Amazon's table lacks (alias)", input: "District of Columbia", expected: "dc", country: "US" },
    { why: "a country without a table gets the first two letters", input: "Tokyo", expected: "to", country: "JP" },
    { why: "a single letter is kept", input: "N", expected: "n", country: "US" },
    { why: "no letters at all is invalid", input: "--", expected: null, country: "US" },
    { why: "digits are not letters", input: "12", expected: null, country: "US" },
  ]);
  checkCommonCases("STATE");
});
