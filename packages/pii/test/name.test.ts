import { describe } from "vitest";
import { checkCases, checkCommonCases, type Case } from "./helpers.js";

// FIRST_NAME and LAST_NAME share Amazon's rule; both are run through the same cases.
const CASES: Case[] = [
  { why: "hyphen and spaces are dropped", input: "  Mary-Jane ", expected: "maryjane" },
  { why: "ü becomes ue", input: "Jürgen", expected: "juergen" },
  { why: "an upper-case umlaut is lowered first, then transliterated", input: "MÜLLER", expected: "mueller" },
  { why: "ß becomes ss", input: "Strauß", expected: "strauss" },
  { why: "ø becomes o", input: "Søren", expected: "soren" },
  { why: "æ becomes ae and ø becomes o", input: "Ærø", expected: "aero" },
  { why: "other accented letters are dropped, not folded", input: "Zoë", expected: "zo" },
  { why: "é is dropped too", input: "José", expected: "jos" },
  { why: "a combining diaeresis (decomposed ü) is dropped: Amazon does not compose first", input: "Mu\u0308ller", expected: "muller" },
  { why: "an apostrophe is dropped", input: "O'Brien", expected: "obrien" },
  { why: "digits are kept", input: "Henry VIII 3rd", expected: "henryviii3rd" },
  { why: "a name with no Latin letters normalizes to nothing and is invalid", input: "李小龍", expected: null },
];

describe("FIRST_NAME", () => {
  checkCases("FIRST_NAME", CASES);
  checkCommonCases("FIRST_NAME");
});

describe("LAST_NAME", () => {
  checkCases("LAST_NAME", CASES);
  checkCommonCases("LAST_NAME");
});
