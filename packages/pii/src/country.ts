import { ConnectorError } from "@conveyor/core";

export const DEFAULT_COUNTRY = "US";

/**
 * The countries Amazon's uploader normalizes for — the only `country_code` values its
 * transformation job accepts (amc_transformations.py `check_params`; its address normalizer
 * raises for any other). `GB` is the United Kingdom; `UK` is not accepted, as Amazon's job
 * refuses it.
 */
export const SUPPORTED_COUNTRIES = ["US", "CA", "GB", "FR", "DE", "ES", "IT", "JP", "IN"] as const;


const SUPPORTED = new Set<string>(SUPPORTED_COUNTRIES);

/**
 * The dataset country: one of SUPPORTED_COUNTRIES, upper-cased and trimmed (`" gb"` → `GB`);
 * `US` when none is given. Anything else — `UK`, other ISO codes, names — throws
 * `pii.invalid-country` (category `invalid-input`), as Amazon's job stops on it.
 */
export function resolveCountry(country: string | undefined): string {
  if (country === undefined || country.trim() === "") return DEFAULT_COUNTRY;
  const code = country.trim().toUpperCase();
  if (SUPPORTED.has(code)) return code;
  throw new ConnectorError({
    code: "pii.invalid-country",
    category: "invalid-input",
    message:
      `country ${JSON.stringify(country)} is not one Amazon's normalization supports; use one of ${SUPPORTED_COUNTRIES.join(", ")}` +
      (code === "UK" ? " (the United Kingdom is GB)" : ""),
    details: { country, allowed: [...SUPPORTED_COUNTRIES] },
  });
}
