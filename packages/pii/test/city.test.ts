import { describe } from "vitest";
import { checkCases, checkCommonCases } from "./helpers.js";

describe("CITY", () => {
  checkCases("CITY", [
    { why: "spaces are dropped", input: "  New York ", expected: "newyork" },
    { why: "dots are dropped", input: "St. Louis", expected: "stlouis" },
    { why: "hyphens are dropped", input: "Winston-Salem", expected: "winstonsalem" },
    { why: "an apostrophe is dropped", input: "Coeur d'Alene", expected: "coeurdalene" },
    { why: "ü is dropped, not transliterated as in names", input: "Zürich", expected: "zrich" },
    { why: "ß is dropped, not turned into ss as in names", input: "Straße", expected: "strae" },
    { why: "ã is dropped", input: "São Paulo", expected: "sopaulo" },
    { why: "digits are kept", input: "29 Palms", expected: "29palms" },
    { why: "the country does not change the rule", input: "Düsseldorf", expected: "dsseldorf", country: "DE" },
    { why: "a city in another script normalizes to nothing and is invalid", input: "東京", expected: null },
    { why: "punctuation alone is invalid", input: "-.-", expected: null },
  ]);
  checkCommonCases("CITY");
});
