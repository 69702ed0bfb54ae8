import { describe } from "vitest";
import { checkCases, checkCommonCases } from "./helpers.js";

describe("ADDRESS", () => {
  checkCases("ADDRESS", [
    { why: "US: directional and suffix abbreviated", input: "123 North Main Street", expected: "123nmainst", country: "US" },
    { why: "US: dots and commas split tokens; APT stays APT", input: "456 Elm St., Apt. 4B", expected: "456elmstapt4b", country: "US" },
    { why: "US: 12-B splits because the left part is numeric", input: "12-B Oak Avenue", expected: "12boakave", country: "US" },
    { why: "US: 12-14 does not split (right part numeric) and keeps its dash", input: "12-14 Oak Ave", expected: "12-14oakave", country: "US" },
    { why: "US: #4 becomes NUMBER 4; PINE is a USPS suffix word and is abbreviated wherever it appears", input: "789 Pine Rd #4", expected: "789pnerdnumber4", country: "US" },
    { why: "US: APT#4 splits around the pound sign", input: "789 Pine Rd Apt#4", expected: "789pnerdaptnumber4", country: "US" },
    { why: "US: C/O is a delimiter", input: "C/O John Smith, 1 Main St", expected: "johnsmith1mainst", country: "US" },
    { why: "US: NORTHWEST, PARKWAY and SUITE from the three US tables", input: "500 Northwest Parkway Suite 200", expected: "500nwpkwyste200", country: "US" },
    { why: "US: BOULEVARD is not in Amazon's shipped table and stays whole", input: "1 Sunset Boulevard", expected: "1sunsetboulevard", country: "US" },
    { why: "US: BLVD. loses its dot", input: "1 Sunset Blvd.", expected: "1sunsetblvd", country: "US" },
    { why: "US: NO is a number indicator", input: "No 5 Elm", expected: "number5elm", country: "US" },
    { why: "US: MDW becomes MDWS, as the later entry of Amazon's table says", input: "100 Meadows Mdw", expected: "100mdwsmdws", country: "US" },
    { why: "US: KEY stays KEY: the unit table comes after the suffix table and wins", input: "1 Key Largo", expected: "1keylargo", country: "US" },
    { why: "US: an apostrophe inside a token is kept", input: "O'Neil Ave", expected: "o'neilave", country: "US" },
    { why: "US: a CJK numeral counts as numeric for the dash rule (Python isnumeric)", input: "三-A", expected: "三a", country: "US" },
    { why: "US: Amazon's pound rule on two pound signs, reproduced", input: "A#B#C", expected: "anumbernumberc", country: "US" },
    { why: "US: only tokens present before splitting are visited by the dash rule, as in Amazon's loop", input: "12-A 14-B", expected: "12a14-b", country: "US" },
    { why: "US: only delimiters is invalid", input: ", .", expected: null, country: "US" },
    { why: "GB: STREET → ST, FLAT kept", input: "Flat 2, 10 Downing Street", expected: "flat210downingst", country: "GB" },
    { why: "GB: brackets are delimiters", input: "221B Baker St (rear)", expected: "221bbakerstrear", country: "GB" },
    { why: "FR: AVENUE → AVE (the default table comes after the French one); accents kept", input: "12 Avenue des Champs-Élysées", expected: "12avedeschamps-élysées", country: "FR" },
    { why: "FR: ALLEE gains its accent", input: "5 Allee des Roses", expected: "5alléedesroses", country: "FR" },
    { why: "ES: C/ is CALLE", input: "C/ Mayor 5", expected: "callemayor5", country: "ES" },
    { why: "ES: PZA is PLAZA; ñ kept", input: "Pza. España 1", expected: "plazaespaña1", country: "ES" },
    { why: "IT: P.ZZA is split at the dot, so Amazon's dotted abbreviation never applies", input: "P.zza Navona 3", expected: "pzzanavona3", country: "IT" },
    { why: "IT: VIALE kept", input: "Viale Trastevere 12", expected: "vialetrastevere12", country: "IT" },
    { why: "DE: ß upper-cases to SS", input: "Hauptstraße 5", expected: "hauptstrasse5", country: "DE" },
    { why: "JP: 1-2-3 keeps its dashes (the left part 1-2 is not numeric)", input: "1-2-3 Ginza", expected: "1-2-3ginza", country: "JP" },
    { why: "IN: ROAD → RD from the default table", input: "12 MG Road", expected: "12mgrd", country: "IN" },
  ]);

  // Whitespace is Python's (str.strip and \s in Amazon's delimiter patterns), not JavaScript's.
  // Expected values obtained by running Amazon's AddressNormalizer (source/glue/library/address_normalizer.py).
  checkCases("ADDRESS", [
    { why: "a BOM is not whitespace for Python: it stays, glued to the first token", input: "\uFEFF8 Bluestem Terrace", expected: "\uFEFF8bluestemter", country: "US" },
    { why: "a BOM at the end stays too, so the last word is no longer a suffix", input: "8 Bluestem Terrace\uFEFF", expected: "8bluestemterrace\uFEFF", country: "US" },
    { why: "a BOM between words does not split them", input: "8 Bluestem\uFEFFTerrace", expected: "8bluestem\uFEFFterrace", country: "US" },
    { why: "U+0085 (next line) is whitespace for Python: it splits tokens", input: "8\u0085Bluestem\u0085Terrace", expected: "8bluestemter", country: "US" },
    { why: "U+0085 around the value is stripped", input: "\u00858 Bluestem Terrace\u0085", expected: "8bluestemter", country: "US" },
    { why: "U+001F (unit separator) is whitespace for Python: stripped at the end", input: "8 Bluestem Terrace\u001F", expected: "8bluestemter", country: "US" },
    { why: "U+001F splits tokens", input: "8\u001FBluestem Terrace", expected: "8bluestemter", country: "US" },
    { why: "U+001C and U+001D around a comma are part of the comma delimiter", input: "12\u001C,\u001DMain Street", expected: "12mainst", country: "US" },
  ]);
  checkCommonCases("ADDRESS", "US");
});
