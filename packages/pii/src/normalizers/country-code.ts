import { normalizeName } from "./name.js";

/**
 * COUNTRY_CODE (inferred: Amazon's tools run it through their generic name rule): the name rule,
 * then it must be two letters. `US ` → `us`; `USA` and `United States` are invalid.
 */
export function normalizeCountryCode(value: string): string | null {
  const code = normalizeName(value);
  return code !== null && /^[a-z]{2}$/.test(code) ? code : null;
}
