import { describe } from "vitest";
import { checkCases, checkCommonCases } from "./helpers.js";

describe("EMAIL", () => {
  checkCases("EMAIL", [
    { why: "upper case is lowered and surrounding spaces dropped", input: "  John.Smith@Example.COM ", expected: "john.smith@example.com" },
    { why: "a plus sign is removed as a character; the tag after it stays (Amazon does not strip tags)", input: "john+news@example.com", expected: "johnnews@example.com" },
    { why: "spaces inside the address are removed", input: "jo hn@exa mple.com", expected: "john@example.com" },
    { why: "letters of any script are kept, as Python's \\w keeps them", input: "José.Núñez@Correo.es", expected: "josé.núñez@correo.es" },
    { why: "an apostrophe is not a kept character", input: "o'brien@example.com", expected: "obrien@example.com" },
    { why: "underscore, hyphen and dots are kept", input: "first_last-1@sub.example.co.uk", expected: "first_last-1@sub.example.co.uk" },
    { why: "a mailto: prefix loses only its colon", input: "mailto:user@example.com", expected: "mailtouser@example.com" },
    { why: "a second @ later on is accepted, as Amazon's prefix-only match accepts it", input: "user@exa@mple.com", expected: "user@exa@mple.com" },
    { why: "no @ at all is invalid", input: "no-at-sign.example.com", expected: null },
    { why: "nothing before the @ is invalid", input: "@example.com", expected: null },
    { why: "nothing after the @ is invalid", input: "user@", expected: null },
    { why: "an @ right after the @ is invalid", input: "user@@example.com", expected: null },
    { why: "an address made only of removed characters is invalid", input: "+ + +", expected: null },
    // Amazon's uploader recognises a digest only as ^[a-f0-9]{64}$; other hex is an email without
    // an @, so invalid (its code gives sha256(""), this package null).
    { why: "64 upper-case hex characters are not a digest for Amazon: an email without @, invalid", input: "9ECEB13483D7F187EC014FD6D4854D1420CFC634328AF85F51D0323BA8622E21", expected: null },
    { why: "a digest with trailing spaces is not a digest for Amazon: invalid", input: "9eceb13483d7f187ec014fd6d4854d1420cfc634328af85f51d0323ba8622e21  ", expected: null },
    { why: "a digest with a leading space is not a digest for Amazon: invalid", input: " 9eceb13483d7f187ec014fd6d4854d1420cfc634328af85f51d0323ba8622e21", expected: null },
  ]);
  checkCommonCases("EMAIL");
});
