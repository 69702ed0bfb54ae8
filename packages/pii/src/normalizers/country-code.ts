import { normalizeName } from "./name.js";

/**
 * COUNTRY_CODE: Amazon's uploader has no rule of its own for it, so its default (name) rule
 * applies: lower-case, `ß→ss ä→ae ö→oe ü→ue ø→o æ→ae`, keep `[a-z0-9]`. `US` → `us`,
 * `U.S.` → `us`, and names are not refused: `USA` → `usa`, `United States` → `unitedstates`.
 */
export function normalizeCountryCode(value: string): string | null {
  return normalizeName(value);
}
