import { keepAsciiAlnum, orNull } from "./text.js";

/** CITY: lower-case; keep `[a-z0-9]` (no transliteration: München → mnchen). */
export function normalizeCity(value: string): string | null {
  return orNull(keepAsciiAlnum(value.toLowerCase()));
}
