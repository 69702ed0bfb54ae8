import { describe } from "vitest";
import { checkCases, checkCommonCases } from "./helpers.js";

// Amazon's state_normalizer.py, and nothing more (its tables; no aliases, no accent removal).
// Expected values agree with running that code and, for the names from its sample data, with
// its <cc>_check.json files (see amazon-sample-vectors.test.ts).
describe("STATE", () => {
  checkCases("STATE", [
    { why: "a code is lower-cased", input: "TX", expected: "tx", country: "US" },
    { why: "a code with a dot: letters kept, first two", input: "tx.", expected: "tx", country: "US" },
    { why: "a full name with a space is found once spaces are removed", input: "New York", expected: "ny", country: "US" },
    { why: "a full name with a hyphen is found too", input: "new-york", expected: "ny", country: "US" },
    { why: "an unknown name longer than two characters becomes its first two letters", input: "Calif.", expected: "ca", country: "US" },
    { why: "tables are per country: Quebec is not a US state", input: "Quebec", expected: "qu", country: "US" },
    { why: "Quebec is a Canadian province", input: "Quebec", expected: "qc", country: "CA" },
    { why: "no accent removal: É is dropped, QUBEC is not in the table", input: "Québec", expected: "qu", country: "CA" },
    { why: "no French names for Canada either", input: "Nouveau-Brunswick", expected: "no", country: "CA" },
    { why: "Amazon's German table uses English names", input: "Bavaria", expected: "by", country: "DE" },
    { why: "a German name is not in Amazon's table: first two letters", input: "Bayern", expected: "ba", country: "DE" },
    { why: "Amazon's table spells ü as UE, so a written ü is dropped and the name not found", input: "Baden-Württemberg", expected: "ba", country: "DE" },
    { why: "the UE spelling is found", input: "Baden-Wuerttemberg", expected: "bw", country: "DE" },
    { why: "Spanish province codes can be one letter", input: "Madrid", expected: "m", country: "ES" },
    { why: "a French region with an accent is cut to two letters of what is left", input: "Île-de-France", expected: "le", country: "FR" },
    { why: "the unaccented spelling is in Amazon's table", input: "Ile-de-France", expected: "if", country: "FR" },
    { why: "an Italian province by its Italian name is not in Amazon's (English) table", input: "Milano", expected: "mi", country: "IT" },
    { why: "District of Columbia is not in Amazon's US table", input: "District of Columbia", expected: "di", country: "US" },
    { why: "a country without a table gets the first two letters", input: "Tokyo", expected: "to", country: "JP" },
    { why: "the length tested is the raw value's: ßß upper-cases to SSSS but is two characters, so it is not cut", input: "ßß", expected: "ssss", country: "US" },
    { why: "a single letter is kept", input: "N", expected: "n", country: "US" },
    { why: "no letters at all is invalid", input: "--", expected: null, country: "US" },
    { why: "digits are not letters", input: "12", expected: null, country: "US" },
  ]);
  checkCommonCases("STATE");
});
