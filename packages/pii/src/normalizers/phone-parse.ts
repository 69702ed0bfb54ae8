// Phone number parsing as Amazon's uploader does it: its PhoneNumberNormalizer calls
// python-phonenumbers' `parse`, `is_possible_number` and E.164 formatting. libphonenumber-js
// differs from that library in many details (letters, `tel:`, `++`, trailing text, local-only
// lengths), so the parsing steps of python-phonenumbers are reproduced here, function by
// function and under the same names, on libphonenumber-js's copy of Google's metadata.
// python-phonenumbers (github.com/daviddrysdale/python-phonenumbers, release 8.13.48, itself a
// port of Google's libphonenumber) is under the Apache License 2.0, as this package is.
import metadataJson from "libphonenumber-js/min/metadata";
import localLengths from "../data/phone-local-lengths.json" with { type: "json" };

const MIN_LENGTH_FOR_NSN = 2;
const MAX_LENGTH_FOR_NSN = 17;
const MAX_LENGTH_COUNTRY_CODE = 3;
const MAX_INPUT_STRING_LENGTH = 250;

const PLUS_CHARS = "+\uFF0B";
const DIGIT = "\\p{Nd}"; // Python's \d on str patterns
// Python's \w: letters and numbers of any script, and `_`.
const WORD = "\\p{L}\\p{N}_";
const VALID_PUNCTUATION =
  "\\-x\u2010-\u2015\u2212\u30FC\uFF0D-\uFF0F \u00A0\u00AD\u200B\u2060\u3000()\uFF08\uFF09\uFF3B\uFF3D.\\[\\]/~\u2053\u223C\uFF5E";
const STAR = "*";
// ASCII letters. The patterns using this are case-insensitive; Python's IGNORECASE also lets
// `i` match `İ` and `ı` (JavaScript's does not), hence the two extra letters.
const VALID_ALPHA = "A-Za-z\u0130\u0131";
const I = "[i\u0130\u0131]"; // a case-insensitive `i`, as Python matches it

const PLUS_CHARS_PATTERN = new RegExp(`^[${PLUS_CHARS}]+`, "u");
const VALID_START_CHAR_PATTERN = new RegExp(`[${PLUS_CHARS}]|${DIGIT}`, "u");
const UNWANTED_END_CHAR_PATTERN = new RegExp(`(?:_|[^#${WORD}])+$`, "u");
const SECOND_NUMBER_START_PATTERN = /[\\/] *x/;
const CAPTURING_DIGIT_PATTERN = new RegExp(`(${DIGIT})`, "u");

const extnDigits = (max: number): string => `(${DIGIT}{1,${max}})`;

/** `_create_extn_pattern(for_parsing=True)`. */
function extensionPatterns(): string {
  const separators = "[ \u00A0\\t,]*";
  const charsAfterLabel = "[:.\uFF0E]?[ \u00A0\\t,\\-]*";
  const suffix = "#?";
  const explicitLabels = `(?:e?xt(?:ens${I}(?:o\u0301?|\u00F3))?n?|\uFF45?\uFF58\uFF54\uFF4E?|\u0434\u043E\u0431|anexo)`;
  const ambiguousLabels = `(?:[x\uFF58#\uFF03~\uFF5E]|${I}nt|\uFF49\uFF4E\uFF54)`;
  const rfc = `;ext=${extnDigits(20)}`;
  const explicit = separators + explicitLabels + charsAfterLabel + extnDigits(20) + suffix;
  const ambiguous = separators + ambiguousLabels + charsAfterLabel + extnDigits(9) + suffix;
  const american = `[\\- ]+${extnDigits(6)}#`;
  const noCommaSeparators = "[ \u00A0\\t]*";
  const autoDialling = `${noCommaSeparators}(?:,{2}|;)${charsAfterLabel}${extnDigits(15)}${suffix}`;
  const onlyCommas = `${noCommaSeparators}(?:,)+${charsAfterLabel}${extnDigits(9)}${suffix}`;
  return [rfc, explicit, ambiguous, american, autoDialling, onlyCommas].join("|");
}
const EXTN_PATTERNS_FOR_PARSING = extensionPatterns();
// Python's `$` also matches before a final newline.
const EXTN_PATTERN = new RegExp(`(?:${EXTN_PATTERNS_FOR_PARSING})(?=\\n?$)`, "iu");
const VALID_PHONE_NUMBER =
  `${DIGIT}{${MIN_LENGTH_FOR_NSN}}|[${PLUS_CHARS}]*(?:[${VALID_PUNCTUATION}${STAR}]*${DIGIT}){3,}` +
  `[${VALID_PUNCTUATION}${STAR}${VALID_ALPHA}${DIGIT}]*`;
const VALID_PHONE_NUMBER_PATTERN = new RegExp(`^(?:${VALID_PHONE_NUMBER}(?:${EXTN_PATTERNS_FOR_PARSING})?)$`, "iu");

const RFC3966_PREFIX = "tel:";
const RFC3966_PHONE_CONTEXT = ";phone-context=";
const RFC3966_ISDN_SUBADDRESS = ";isub=";
// `^\+(\d|[\-\.\(\)]?)*\d(\d|[\-\.\(\)]?)*$` and the RFC 3966 domain name, written without the
// nested optional repetitions (same language, no exponential backtracking).
const RFC3966_GLOBAL_NUMBER_DIGITS = new RegExp(`^\\+[${DIGIT}\\-.()]*${DIGIT}[${DIGIT}\\-.()]*$`, "u");
const RFC3966_DOMAIN_LABEL = new RegExp(`^[A-Za-z${DIGIT}](?:[A-Za-z${DIGIT}\\-]*[A-Za-z${DIGIT}])?$`, "u");
const RFC3966_TOP_LABEL = new RegExp(`^[A-Za-z](?:[A-Za-z${DIGIT}\\-]*[A-Za-z${DIGIT}])?$`, "u");

// ITU E.161 keypad letters.
const ALPHA_MAPPINGS: Record<string, string> = {};
for (const [digit, letters] of Object.entries({ 2: "ABC", 3: "DEF", 4: "GHI", 5: "JKL", 6: "MNO", 7: "PQRS", 8: "TUV", 9: "WXYZ" })) {
  for (const letter of letters) ALPHA_MAPPINGS[letter] = digit;
}
for (let d = 0; d <= 9; d++) ALPHA_MAPPINGS[String(d)] = String(d);
// `(?:.*?[A-Za-z]){3}.*` as a full match: three ASCII letters, and no newline (Python's `.`).
const VALID_ALPHA_PHONE_PATTERN = /^[^\n]*[A-Za-z][^\n]*[A-Za-z][^\n]*[A-Za-z][^\n]*$/;
const ND = /\p{Nd}/u;

/** Why a number could not be parsed (python-phonenumbers' NumberParseException types). */
export type ParseError = "INVALID_COUNTRY_CODE" | "NOT_A_NUMBER" | "TOO_SHORT_AFTER_IDD" | "TOO_SHORT_NSN" | "TOO_LONG";

class NumberParseError extends Error {
  constructor(readonly type: ParseError) {
    super(type);
  }
}

export interface ParsedPhone {
  countryCode: number;
  /** National significant number, ASCII digits (leading zeros kept). */
  nationalNumber: string;
}

// --- metadata ---------------------------------------------------------------------------------

// libphonenumber-js's compact metadata: per region an array (see its METADATA.md);
// the fields read here are [0] calling code, [1] international prefix, [2] national number
// pattern, [3] possible lengths, [5] national prefix, [7] national prefix for parsing and
// [8] its transform rule (with `$1` back-references).
type RegionArray = readonly unknown[];
interface CompactMetadata {
  country_calling_codes: Record<string, readonly string[]>;
  countries: Record<string, RegionArray>;
  nonGeographic?: Record<string, RegionArray>;
}
const METADATA = metadataJson as unknown as CompactMetadata;
const LOCAL_ONLY = localLengths.regions as Record<string, readonly number[]>;

/** What parsing needs of one region's (or non-geographic calling code's) metadata. */
export interface Plan {
  readonly id: string;
  readonly countryCode: number;
  readonly internationalPrefix: RegExp | undefined;
  readonly nationalNumber: RegExp | undefined;
  readonly possibleLengths: readonly number[];
  readonly localOnlyLengths: readonly number[];
  readonly nationalPrefixForParsing: RegExp | undefined;
  readonly nationalPrefixTransformRule: string | undefined;
}

const plans = new Map<string, Plan>();

function plan(id: string, data: RegionArray): Plan {
  let p = plans.get(id);
  if (p === undefined) {
    const str = (i: number): string | undefined => (typeof data[i] === "string" && data[i] !== "" ? (data[i] as string) : undefined);
    const prefixForParsing = str(7) ?? str(5);
    p = {
      id,
      countryCode: Number(data[0]),
      internationalPrefix: str(1) === undefined ? undefined : new RegExp(`^(?:${str(1)})`),
      nationalNumber: str(2) === undefined ? undefined : new RegExp(`^(?:${str(2)})$`),
      possibleLengths: (data[3] as readonly number[] | undefined) ?? [],
      localOnlyLengths: LOCAL_ONLY[id] ?? [],
      nationalPrefixForParsing: prefixForParsing === undefined ? undefined : new RegExp(`^(?:${prefixForParsing})`),
      nationalPrefixTransformRule: str(8),
    };
    plans.set(id, p);
  }
  return p;
}

/** Metadata of a region (ISO code), or undefined when libphonenumber has none for it. */
export function regionPlan(region: string): Plan | undefined {
  const data = METADATA.countries[region];
  return data === undefined ? undefined : plan(region, data);
}

/** `metadata_for_region_or_calling_code(cc, region_code_for_country_code(cc))`. */
function planForCallingCode(countryCode: number): Plan | undefined {
  const key = String(countryCode);
  const main = METADATA.country_calling_codes[key]?.[0];
  if (main !== undefined && main !== "001") return regionPlan(main);
  const nonGeo = METADATA.nonGeographic?.[key];
  return nonGeo === undefined ? undefined : plan(key, nonGeo);
}

const hasCallingCode = (countryCode: number): boolean => planForCallingCode(countryCode) !== undefined;

// --- parsing ----------------------------------------------------------------------------------

/**
 * `phonenumbers.parse(number, region)`: country calling code and national significant number,
 * or the reason it is not a phone number. `region` undefined is Python's `None`.
 */
export function parse(number: string, region: Plan | undefined): ParsedPhone | ParseError {
  try {
    if (tooLongToParse(number)) throw new NumberParseError("TOO_LONG");
    const national = buildNationalNumberForParsing(number);
    if (!isViablePhoneNumber(national)) throw new NumberParseError("NOT_A_NUMBER");
    if (region === undefined && !PLUS_CHARS_PATTERN.test(national)) throw new NumberParseError("INVALID_COUNTRY_CODE");
    return parseAfterViability(maybeStripExtension(national), region);
  } catch (error) {
    if (error instanceof NumberParseError) return error.type;
    throw error;
  }
}

/** Python's `len(number) > 250`: the length in code points. */
export const tooLongToParse = (number: string): boolean =>
  number.length > MAX_INPUT_STRING_LENGTH && [...number].length > MAX_INPUT_STRING_LENGTH;

/**
 * The steps of `parse` that follow the viability check and the removal of an extension, from
 * the extraction of the country calling code on. Throws NumberParseError.
 */
export function parseAfterViability(nationalNumber: string, region: Plan | undefined): ParsedPhone {
  let metadata = region;
  let countryCode: number;
  let normalized: string;
  try {
    [countryCode, normalized] = maybeExtractCountryCode(nationalNumber, metadata);
  } catch (error) {
    const plus = PLUS_CHARS_PATTERN.exec(nationalNumber);
    if (!(error instanceof NumberParseError) || error.type !== "INVALID_COUNTRY_CODE" || plus === null) throw error;
    // Strip the plus-char, and try again.
    [countryCode, normalized] = maybeExtractCountryCode(nationalNumber.slice(plus[0].length), metadata);
    if (countryCode === 0) throw new NumberParseError("INVALID_COUNTRY_CODE");
  }
  if (countryCode !== 0) {
    const numberPlan = planForCallingCode(countryCode)!;
    if (numberPlan.id !== region?.id) metadata = numberPlan;
  } else {
    normalized += normalize(nationalNumber);
    if (region !== undefined) countryCode = region.countryCode;
  }
  if (normalized.length < MIN_LENGTH_FOR_NSN) throw new NumberParseError("TOO_SHORT_NSN");
  if (metadata !== undefined) {
    const potential = maybeStripNationalPrefixCarrierCode(normalized, metadata);
    const result = testNumberLength(potential, metadata);
    if (result !== "TOO_SHORT" && result !== "IS_POSSIBLE_LOCAL_ONLY" && result !== "INVALID_LENGTH") normalized = potential;
  }
  if (normalized.length < MIN_LENGTH_FOR_NSN) throw new NumberParseError("TOO_SHORT_NSN");
  if (normalized.length > MAX_LENGTH_FOR_NSN) throw new NumberParseError("TOO_LONG");
  return { countryCode, nationalNumber: normalized };
}

export function buildNationalNumberForParsing(number: string): string {
  const indexOfPhoneContext = number.indexOf(RFC3966_PHONE_CONTEXT);
  const phoneContext = extractPhoneContext(number, indexOfPhoneContext);
  if (!isPhoneContextValid(phoneContext)) throw new NumberParseError("NOT_A_NUMBER");
  let national: string;
  if (phoneContext !== undefined) {
    national = phoneContext[0] === "+" ? phoneContext : "";
    const indexOfPrefix = number.indexOf(RFC3966_PREFIX);
    const start = indexOfPrefix >= 0 ? indexOfPrefix + RFC3966_PREFIX.length : 0;
    national += sliceLikePython(number, start, indexOfPhoneContext);
  } else {
    national = extractPossibleNumber(number);
  }
  const indexOfIsdn = national.indexOf(RFC3966_ISDN_SUBADDRESS);
  if (indexOfIsdn > 0) national = national.slice(0, indexOfIsdn);
  return national;
}

// Python's s[a:b] gives "" when b < a; String.prototype.slice does too, but substring would swap.
const sliceLikePython = (s: string, start: number, end: number): string => (end <= start ? "" : s.slice(start, end));

function extractPhoneContext(number: string, indexOfPhoneContext: number): string | undefined {
  if (indexOfPhoneContext === -1) return undefined;
  const start = indexOfPhoneContext + RFC3966_PHONE_CONTEXT.length;
  if (start >= number.length) return "";
  const end = number.indexOf(";", start);
  return end !== -1 ? number.slice(start, end) : number.slice(start);
}

function isPhoneContextValid(phoneContext: string | undefined): boolean {
  if (phoneContext === undefined) return true;
  if (phoneContext.length === 0) return false;
  return RFC3966_GLOBAL_NUMBER_DIGITS.test(phoneContext) || isDomainName(phoneContext);
}

/** `^(domainlabel\.)*toplabel\.?$` of RFC 3966. */
function isDomainName(text: string): boolean {
  const labels = text.split(".");
  if (labels.length > 1 && labels[labels.length - 1] === "") labels.pop();
  const top = labels.pop()!;
  return RFC3966_TOP_LABEL.test(top) && labels.every((label) => RFC3966_DOMAIN_LABEL.test(label));
}

/** Strips text before the first `+` or digit, non-word characters at the end, and a second number. */
export function extractPossibleNumber(number: string): string {
  const start = VALID_START_CHAR_PATTERN.exec(number);
  if (start === null) return "";
  let possible = number.slice(start.index);
  const trailing = UNWANTED_END_CHAR_PATTERN.exec(possible);
  if (trailing !== null) possible = possible.slice(0, trailing.index);
  const second = SECOND_NUMBER_START_PATTERN.exec(possible);
  if (second !== null) possible = possible.slice(0, second.index);
  return possible;
}

export function isViablePhoneNumber(number: string): boolean {
  return number.length >= MIN_LENGTH_FOR_NSN && VALID_PHONE_NUMBER_PATTERN.test(number);
}

/** The number without an extension at its end (when what precedes the extension is viable). */
export function maybeStripExtension(number: string): string {
  const match = EXTN_PATTERN.exec(number);
  if (match !== null && isViablePhoneNumber(number.slice(0, match.index))) return number.slice(0, match.index);
  return number;
}

/**
 * `_normalize`: with three or more ASCII letters (a vanity number such as 1-800-FLOWERS) letters
 * become keypad digits and everything but ASCII digits goes; otherwise every decimal digit of
 * any script becomes its ASCII digit and everything else goes.
 */
export function normalize(number: string): string {
  let out = "";
  if (VALID_ALPHA_PHONE_PATTERN.test(number)) {
    for (const char of number) out += ALPHA_MAPPINGS[char.toUpperCase()] ?? "";
    return out;
  }
  for (const char of number) {
    const code = char.charCodeAt(0);
    if (code >= 48 && code <= 57) out += char;
    else if (code > 127 && ND.test(char)) out += String(decimalValue(char));
  }
  return out;
}

// Decimal digits come in runs of ten code points, 0 to 9 (adjacent runs for some scripts).
function decimalValue(char: string): number {
  const cp = char.codePointAt(0)!;
  let start = cp;
  while (start > 0 && ND.test(String.fromCodePoint(start - 1))) start--;
  return (cp - start) % 10;
}

/** `_extract_country_code`: the longest-known calling code (1 to 3 digits) at the start. */
function extractCountryCode(number: string): [number, string] {
  if (number.length === 0 || number[0] === "0") return [0, number];
  for (let i = 1; i <= Math.min(number.length, MAX_LENGTH_COUNTRY_CODE); i++) {
    const code = Number(number.slice(0, i));
    if (hasCallingCode(code)) return [code, number.slice(i)];
  }
  return [0, number];
}

/** `_maybe_extract_country_code`: [calling code or 0, national number when a code was found]. */
function maybeExtractCountryCode(number: string, metadata: Plan | undefined): [number, string] {
  if (number.length === 0) return [0, ""];
  const [source, full] = maybeStripI18nPrefixAndNormalize(number, metadata?.internationalPrefix);
  if (source !== "FROM_DEFAULT_COUNTRY") {
    if (full.length <= MIN_LENGTH_FOR_NSN) throw new NumberParseError("TOO_SHORT_AFTER_IDD");
    const [code, rest] = extractCountryCode(full);
    if (code !== 0) return [code, rest];
    throw new NumberParseError("INVALID_COUNTRY_CODE");
  }
  if (metadata !== undefined) {
    const defaultCode = String(metadata.countryCode);
    if (full.startsWith(defaultCode)) {
      const potential = maybeStripNationalPrefixCarrierCode(full.slice(defaultCode.length), metadata);
      if (
        (!matchNationalNumber(full, metadata) && matchNationalNumber(potential, metadata)) ||
        testNumberLength(full, metadata) === "TOO_LONG"
      ) {
        return [metadata.countryCode, potential];
      }
    }
  }
  return [0, ""];
}

type CountryCodeSource = "FROM_NUMBER_WITH_PLUS_SIGN" | "FROM_NUMBER_WITH_IDD" | "FROM_DEFAULT_COUNTRY";

function maybeStripI18nPrefixAndNormalize(number: string, idd: RegExp | undefined): [CountryCodeSource, string] {
  if (number.length === 0) return ["FROM_DEFAULT_COUNTRY", number];
  const plus = PLUS_CHARS_PATTERN.exec(number);
  if (plus !== null) return ["FROM_NUMBER_WITH_PLUS_SIGN", normalize(number.slice(plus[0].length))];
  const normalized = normalize(number);
  if (idd !== undefined) {
    const match = idd.exec(normalized);
    if (match !== null) {
      const rest = normalized.slice(match[0].length);
      // Country calling codes cannot begin with 0.
      const digit = CAPTURING_DIGIT_PATTERN.exec(rest);
      if (digit === null || normalize(digit[1]!) !== "0") return ["FROM_NUMBER_WITH_IDD", rest];
    }
  }
  return ["FROM_DEFAULT_COUNTRY", normalized];
}

/** `_maybe_strip_national_prefix_carrier_code`, returning only the number. */
function maybeStripNationalPrefixCarrierCode(number: string, metadata: Plan): string {
  const prefix = metadata.nationalPrefixForParsing;
  if (number.length === 0 || prefix === undefined) return number;
  const match = prefix.exec(number);
  if (match === null) return number;
  const viableOriginal = matchNationalNumber(number, metadata);
  const groups = match.length - 1;
  const rule = metadata.nationalPrefixTransformRule;
  if (rule === undefined || match[groups] === undefined || groups === 0) {
    if (viableOriginal && !matchNationalNumber(number.slice(match[0].length), metadata)) return number;
    return number.slice(match[0].length);
  }
  const transformed = number.replace(prefix, rule);
  if (viableOriginal && !matchNationalNumber(transformed, metadata)) return number;
  return transformed;
}

const matchNationalNumber = (number: string, metadata: Plan): boolean => metadata.nationalNumber?.test(number) ?? false;

type LengthResult = "IS_POSSIBLE" | "IS_POSSIBLE_LOCAL_ONLY" | "TOO_SHORT" | "TOO_LONG" | "INVALID_LENGTH";

/** `_test_number_length` for the general description (type UNKNOWN). */
function testNumberLength(number: string, metadata: Plan): LengthResult {
  const lengths = metadata.possibleLengths;
  const actual = number.length;
  if (metadata.localOnlyLengths.includes(actual)) return "IS_POSSIBLE_LOCAL_ONLY";
  const minimum = lengths[0];
  if (minimum === undefined) return "INVALID_LENGTH";
  if (minimum === actual) return "IS_POSSIBLE";
  if (minimum > actual) return "TOO_SHORT";
  if (lengths[lengths.length - 1]! < actual) return "TOO_LONG";
  return lengths.slice(1).includes(actual) ? "IS_POSSIBLE" : "INVALID_LENGTH";
}

/** `is_possible_number`: the length is possible (or local-only) for the calling code's main region. */
export function isPossibleNumber(parsed: ParsedPhone): boolean {
  const metadata = planForCallingCode(parsed.countryCode);
  if (metadata === undefined) return false;
  const result = testNumberLength(parsed.nationalNumber, metadata);
  return result === "IS_POSSIBLE" || result === "IS_POSSIBLE_LOCAL_ONLY";
}

export { NumberParseError };
