import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";
import type { Normalizer } from "../types.js";

// North American numbers in their usual spellings — (413) 871-4499, +1 413.871.4499,
// 1-413-871-4499, 4138714499 — take a shortcut around libphonenumber (≈15 µs a parse) that
// gives the same answer; the test suite checks the two agree. Area codes start with 2-9.
const NANP = /^(\+?1[ .-]?)?(?:\(([2-9]\d\d)\)|([2-9]\d\d))[ .-]?(\d{3})[ .-]?(\d{4})$/;
const NANP_COUNTRIES = new Set(["US", "CA"]);

/**
 * PHONE: E.164 digits without `+`. A number written with `+` (or an international prefix such
 * as 00 / 011) keeps its own calling code; a national number takes the dataset country's code
 * (US `5714120599` → `15714120599`). Numbers libphonenumber does not consider possible
 * (wrong length) are invalid.
 */
export function phoneNormalizer(country: string): Normalizer {
  const nanpCountry = NANP_COUNTRIES.has(country);
  const slow = libraryPhoneNormalizer(country);
  return (value) => {
    const trimmed = value.trim();
    const m = NANP.exec(trimmed);
    if (m !== null && (nanpCountry || trimmed.charCodeAt(0) === 43 /* + */)) {
      return "1" + (m[2] ?? m[3]!) + m[4]! + m[5]!;
    }
    return slow(trimmed);
  };
}

/** The reference path: libphonenumber's parser with the country as default region. */
export function libraryPhoneNormalizer(country: string): Normalizer {
  const defaultCountry = country as CountryCode;
  return (value) => {
    const parsed = parsePhoneNumberFromString(value, { defaultCountry });
    if (parsed === undefined || !parsed.isPossible()) return null;
    return parsed.number.slice(1);
  };
}
