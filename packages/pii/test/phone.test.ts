import { describe, expect, it } from "vitest";
import { hashPii } from "../src/index.js";
import { amazonPhoneNormalizer } from "../src/normalizers/phone.js";
import { checkCases, checkCommonCases, sha256 } from "./helpers.js";

describe("PHONE", () => {
  // Numbers written with +: Amazon's rule. Every expected value here was obtained by running
  // Amazon's PhoneNormalizer (source/glue/library/phone_normalizer.py of
  // aws-solutions/amazon-marketing-cloud-uploader-from-aws, with python-phonenumbers 8.13.48) on
  // the input; "" there (sha256 of "" in its output) is null here.
  checkCases("PHONE", [
    { why: "a + number keeps its own calling code whatever the dataset country", input: "+44 20 7946 0958", expected: "442079460958", country: "US" },
    { why: "+1 wins over a JP dataset country", input: "+1 (413) 871-4499", expected: "14138714499", country: "JP" },
    { why: "the national prefix written after the calling code is dropped", input: "+44 (0)20 7946 0958", expected: "442079460958", country: "GB" },
    { why: "letters of a vanity number become keypad digits", input: "+1-800-FLOWERS", expected: "18003569377", country: "US" },
    { why: "two plus signs are read as one", input: "++1 413 871 4499", expected: "14138714499", country: "US" },
    { why: "two plus signs before another calling code", input: "++44 20 7946 0958", expected: "442079460958", country: "US" },
    { why: "a full-width plus is a plus", input: "＋1 413 871 4499", expected: "14138714499", country: "US" },
    { why: "Arabic-Indic digits are digits", input: "+١٤١٣٨٧١٤٤٩٩", expected: "14138714499", country: "US" },
    { why: "an extension written ext. is not part of the number", input: "+1 413 871 4499 ext. 12", expected: "14138714499", country: "US" },
    { why: "an extension written x is not part of the number", input: "+1 413 871 4499 x12", expected: "14138714499", country: "US" },
    { why: "a trailing dot is trimmed", input: "+1 413 871 4499.", expected: "14138714499", country: "US" },
    { why: "fewer than three letters after the number are dropped", input: "+1 413 871 4499 ab", expected: "14138714499", country: "US" },
    { why: "trailing words of three letters or more are read as keypad digits: too long, invalid", input: "+1 413 871 4499 home", expected: null, country: "US" },
    { why: "trailing text in brackets is read as keypad digits too: invalid", input: "+1 413 871 4499 (mobile)", expected: null, country: "US" },
    { why: "trailing words with digits: invalid", input: "+1 413 871 4499 call after 5", expected: null, country: "US" },
    { why: "letters glued to the number: invalid", input: "+14138714499abc", expected: null, country: "US" },
    { why: "a local-only length counts as possible (python-phonenumbers' is_possible_number)", input: "+1 871-4499", expected: "18714499", country: "US" },
    { why: "a non-geographic calling code (800, freephone)", input: "+800 1234 5678", expected: "80012345678", country: "US" },
    { why: "calling code 0 does not exist", input: "+0 413 871 4499", expected: null, country: "US" },
    { why: "calling code 999 does not exist", input: "+999 1234567", expected: null, country: "US" },
    { why: "too many digits for +1", input: "+1 413 871 44999", expected: null, country: "US" },
    // Amazon prepends + to every value that does not start with one, so text before the number
    // (or a space before the +) makes it invalid: no `tel:` URIs, no labels.
    { why: "a tel: URI is not a number for Amazon", input: "tel:+1-413-871-4499", expected: null, country: "US" },
    { why: "a tel: URI without + neither", input: "tel:4138714499", expected: null, country: "US" },
    { why: "a label before the number makes it invalid", input: "Tel: +1 413 871 4499", expected: null, country: "US" },
    { why: "a space before the + makes it invalid", input: " +1 413 871 4499", expected: null, country: "US" },
    { why: "one or two letters are too few to be a vanity number", input: "1-800-FL", expected: null, country: "US" },
    { why: "too short", input: "12345", expected: null, country: "US" },
    { why: "no digits", input: "call me", expected: null, country: "US" },
  ]);

  // National numbers (no leading +): the dataset country's calling code — the one rule where
  // this package differs from Amazon's code on purpose (README). Amazon's code would read
  // `+5714120599` (Colombia); its own sample files expect 15714120599.
  checkCases("PHONE", [
    { why: "a US national number gets calling code 1", input: "5714120599", expected: "15714120599", country: "US" },
    { why: "US national number with brackets", input: "(571) 412-0599", expected: "15714120599", country: "US" },
    { why: "US dotted number", input: "571.412.0599", expected: "15714120599", country: "US" },
    { why: "US number already starting with 1 is not given a second 1", input: "1-571-412-0599", expected: "15714120599", country: "US" },
    { why: "the same digits in a GB dataset get 44", input: "5714120599", expected: "445714120599", country: "GB" },
    { why: "a JP national number gets 81 (Amazon's sample data)", input: "7527903759", expected: "817527903759", country: "JP" },
    { why: "GB trunk prefix 0 is dropped", input: "020 7946 0958", expected: "442079460958", country: "GB" },
    { why: "JP trunk prefix 0 is dropped", input: "03-1234-5678", expected: "81312345678", country: "JP" },
    { why: "FR mobile with trunk 0", input: "06 12 34 56 78", expected: "33612345678", country: "FR" },
    { why: "IT keeps its leading 0", input: "06 1234 5678", expected: "390612345678", country: "IT" },
    { why: "IN mobile gets 91", input: "98765 43210", expected: "919876543210", country: "IN" },
    { why: "a national number starting with the country's own code keeps it once", input: "447911123456", expected: "447911123456", country: "GB" },
    { why: "the country's international prefix (00 from DE) is understood", input: "00 44 20 7946 0958", expected: "442079460958", country: "DE" },
    { why: "the country's international prefix (011 from the US) is understood", input: "011 44 20 7946 0958", expected: "442079460958", country: "US" },
    { why: "a vanity number in the US (Amazon's code gives the same, reading 1 as the calling code)", input: "1-800-FLOWERS", expected: "18003569377", country: "US" },
    { why: "a vanity number without the 1", input: "800-GO-FEDEX", expected: "18004633339", country: "US" },
    { why: "an extension is not part of the number", input: "5714120599 ext. 12", expected: "15714120599", country: "US" },
    { why: "full-width digits are read as digits", input: "１５７１４１２０５９９", expected: "15714120599", country: "US" },
    { why: "a seven-digit local number is possible (local-only length), as Amazon's library says", input: "555-1234", expected: "15551234", country: "US" },
    { why: "Amazon's + comes first: a tel: URI stays invalid", input: "tel:4138714499", expected: null, country: "US" },
    { why: "trailing words are read as keypad digits, as Amazon's: invalid", input: "4138714499 call after 5", expected: null, country: "US" },
  ]);
  checkCommonCases("PHONE", "US");

  it("a phone stored as a bigint is read in decimal", () => {
    expect(hashPii("PHONE", 5714120599n, { country: "US" })).toBe(sha256("15714120599"));
  });

  it("Amazon's own reading of a national number is kept for reference: + and the first digits as a calling code", () => {
    // Row 3 of Amazon's US sample data: its code reads +86 04740812 (China, trunk 0 dropped);
    // its check file, like this package, gives 18604740812.
    expect(amazonPhoneNormalizer("8604740812")).toBe("864740812");
    expect(hashPii("PHONE", "8604740812", { country: "US" })).toBe(sha256("18604740812"));
    // Values starting with + are read identically by both.
    for (const value of ["+44 20 7946 0958", "++1 413 871 4499", "+1-800-FLOWERS", "tel:+1-413-871-4499"]) {
      expect(hashPii("PHONE", value, { country: "US" }), value).toBe(
        amazonPhoneNormalizer(value) === null ? null : sha256(amazonPhoneNormalizer(value)!),
      );
    }
  });
});
