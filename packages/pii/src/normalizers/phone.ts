import type { Normalizer } from "../types.js";
import {
  buildNationalNumberForParsing,
  isPossibleNumber,
  isViablePhoneNumber,
  maybeStripExtension,
  NumberParseError,
  parse,
  parseAfterViability,
  regionPlan,
  tooLongToParse,
  type ParsedPhone,
  type ParseError,
  type Plan,
} from "./phone-parse.js";

/**
 * PHONE: E.164 digits without `+`, as Amazon's uploader computes them: a value starting with `+`
 * is parsed as python-phonenumbers does with no region (the calling code is read after the `+`);
 * letters of a vanity number become keypad digits (`1-800-FLOWERS`); numbers whose length is
 * not possible (local-only lengths included) are invalid.
 *
 * Our one difference: a value that does not start with `+` — a national number — is read as
 * dialled in the dataset country, so it gets that country's calling code (US `5714120599` →
 * `15714120599`; trunk prefixes such as GB's `0` go). Amazon's code prepends `+` instead, which
 * reads the first digits as a calling code (`+57 1412 0599`, Colombia); Amazon's own sample files
 * expect the country's code. Everything up to that point — which text is accepted around the
 * number, extensions — is Amazon's reading of `"+" + value`.
 */
export function phoneNormalizer(country: string): Normalizer {
  const region = regionPlan(country);
  return (value) => e164(value.startsWith("+") || region === undefined ? parse(value, undefined) : parseNational(value, region));
}

/** Amazon's code, exactly: `"+" + value` unless it starts with `+`, parsed with no region. */
export function amazonPhoneNormalizer(value: string): string | null {
  return e164(parse(value.startsWith("+") ? value : `+${value}`, undefined));
}

function e164(parsed: ParsedPhone | ParseError): string | null {
  if (typeof parsed === "string" || !isPossibleNumber(parsed)) return null;
  return `${parsed.countryCode}${parsed.nationalNumber}`;
}

/**
 * A national number: Amazon's steps on `"+" + value` (length limit, the text accepted around
 * the number, extension), then the digits after that `+` are read as dialled in `region`.
 */
function parseNational(value: string, region: Plan): ParsedPhone | ParseError {
  const prefixed = `+${value}`;
  // An RFC 3966 phone-context says where the number belongs: Amazon's reading stands.
  if (prefixed.includes(";phone-context=")) return parse(prefixed, undefined);
  try {
    if (tooLongToParse(prefixed)) return "TOO_LONG";
    const national = buildNationalNumberForParsing(prefixed);
    if (!isViablePhoneNumber(national)) return "NOT_A_NUMBER";
    // `national` starts with the `+` prepended: it is a character a number may start with.
    return parseAfterViability(maybeStripExtension(national).slice(1), region);
  } catch (error) {
    if (error instanceof NumberParseError) return error.type;
    throw error;
  }
}
