import { ConnectorError } from "@conveyor/core";
import { isSupportedCountry } from "libphonenumber-js";

export const DEFAULT_COUNTRY = "US";

/** Countries with their own rules beyond the defaults (address tables, state names, ZIP formats). */
export const TUNED_COUNTRIES = ["US", "CA", "GB", "FR", "DE", "ES", "IT", "JP", "IN"] as const;

/**
 * Upper-cases and checks a country code. `UK` is accepted for `GB` because Amazon's own tools
 * used it. Throws `pii.invalid-country` for anything that is not a known ISO 3166-1 alpha-2 code.
 */
export function resolveCountry(country: string | undefined): string {
  if (country === undefined || country.trim() === "") return DEFAULT_COUNTRY;
  const code = country.trim().toUpperCase();
  const resolved = code === "UK" ? "GB" : code;
  // libphonenumber's region list is a well-kept superset of the ISO codes that have people.
  if (/^[A-Z]{2}$/.test(resolved) && isSupportedCountry(resolved)) return resolved;
  throw new ConnectorError({
    code: "pii.invalid-country",
    category: "invalid-input",
    message: `country ${JSON.stringify(country)} is not an ISO 3166-1 alpha-2 country code; use one such as ${TUNED_COUNTRIES.join(", ")}`,
    details: { country },
  });
}
