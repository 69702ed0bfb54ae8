import { ConnectorError, type Value } from "@conveyor/core";
import { resolveCountry } from "./country.js";
import { existingHash, sha256Hex } from "./hash.js";
import { addressNormalizer } from "./normalizers/address.js";
import { normalizeCity } from "./normalizers/city.js";
import { normalizeCountryCode } from "./normalizers/country-code.js";
import { normalizeEmail } from "./normalizers/email.js";
import { normalizeName } from "./normalizers/name.js";
import { phoneNormalizer } from "./normalizers/phone.js";
import { stateNormalizer } from "./normalizers/state.js";
import { zipNormalizer } from "./normalizers/zip.js";
import { PII_TYPES, type Normalizer, type PiiOptions, type PiiType } from "./types.js";

const FACTORIES: Record<PiiType, (country: string) => Normalizer> = {
  EMAIL: () => normalizeEmail,
  FIRST_NAME: () => normalizeName,
  LAST_NAME: () => normalizeName,
  CITY: () => normalizeCity,
  COUNTRY_CODE: () => normalizeCountryCode,
  STATE: stateNormalizer,
  ZIP: zipNormalizer,
  PHONE: phoneNormalizer,
  ADDRESS: addressNormalizer,
};

const normalizers = new Map<string, Normalizer>();

export function isPiiType(type: string): type is PiiType {
  return (PII_TYPES as readonly string[]).includes(type);
}

/** Throws `pii.invalid-type` naming the allowed types. */
export function assertPiiType(type: string): asserts type is PiiType {
  if (isPiiType(type)) return;
  throw new ConnectorError({
    code: "pii.invalid-type",
    category: "invalid-input",
    message: `PII type ${JSON.stringify(type)} is not one of ${PII_TYPES.join(", ")}`,
    details: { type },
  });
}

/**
 * The raw-string normalizer for a type and country (built once, then shared). It does not
 * recognise existing hashes: `normalize` and the row hasher do that first.
 */
export function normalizerFor(type: PiiType, options: PiiOptions = {}): Normalizer {
  assertPiiType(type);
  const country = resolveCountry(options.country);
  const key = `${type}:${country}`;
  let normalizer = normalizers.get(key);
  if (normalizer === undefined) {
    normalizer = FACTORIES[type](country);
    normalizers.set(key, normalizer);
  }
  return normalizer;
}

/**
 * Text of a cell as Amazon would read it: strings as they are, numbers and bigints in decimal
 * (a ZIP or phone stored as a number). `undefined` for null and for types no identifier has.
 */
export function cellText(value: Value | undefined): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === "bigint") return value.toString();
  return undefined;
}

/**
 * Normalized form of `value` for `type`, or `null` when it is empty or invalid. A value that
 * already is a SHA-256 hex digest as Amazon recognises one (64 lower-case hex characters)
 * comes back as it is.
 */
export function normalize(type: PiiType, value: Value | undefined, options: PiiOptions = {}): string | null {
  const normalizer = normalizerFor(type, options);
  const text = cellText(value);
  if (text === undefined) return null;
  return existingHash(text) ?? normalizer(text);
}

/**
 * Lowercase hex SHA-256 of the normalized value; `null` when it is empty or invalid (never the
 * hash of ""). A value that already is a digest (see `existingHash`) is returned as it is.
 */
export function hashPii(type: PiiType, value: Value | undefined, options: PiiOptions = {}): string | null {
  const normalizer = normalizerFor(type, options);
  const text = cellText(value);
  if (text === undefined) return null;
  const existing = existingHash(text);
  if (existing !== undefined) return existing;
  const normalized = normalizer(text);
  return normalized === null || normalized === "" ? null : sha256Hex(normalized);
}
