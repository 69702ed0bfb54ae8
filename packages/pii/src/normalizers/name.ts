import { keepAsciiAlnum, orNull } from "./text.js";

// Amazon transliterates only these; other accented letters are dropped, not folded.
const TRANSLITERATION: Record<string, string> = { ß: "ss", ä: "ae", ö: "oe", ü: "ue", ø: "o", æ: "ae" };
const TRANSLITERATED = /[ßäöüøæ]/g;

/** FIRST_NAME, LAST_NAME: lower-case; ß→ss ä→ae ö→oe ü→ue ø→o æ→ae; keep `[a-z0-9]`. */
export function normalizeName(value: string): string | null {
  const lower = value.toLowerCase();
  return orNull(keepAsciiAlnum(lower.replace(TRANSLITERATED, (c) => TRANSLITERATION[c]!)));
}
