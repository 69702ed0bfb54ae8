// Helpers shared by the normalizers.

/**
 * Python's whitespace (str.isspace, str.strip, and \s in str patterns), as a character class body.
 * JavaScript's \s and trim() differ: they include U+FEFF (BOM) and lack U+001C-U+001F and U+0085.
 */
export const PYTHON_WHITESPACE = "\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const LEADING = new RegExp(`^[${PYTHON_WHITESPACE}]+`);
const TRAILING = new RegExp(`[${PYTHON_WHITESPACE}]+$`);

/** Python's `str.strip()`. */
export function pythonStrip(text: string): string {
  return text.replace(LEADING, "").replace(TRAILING, "");
}

const ASCII_ALNUM_ONLY = /^[a-z0-9]*$/;
const NOT_ASCII_ALNUM = /[^a-z0-9]+/g;

/** Keeps `[a-z0-9]` of an already lower-cased string. */
export function keepAsciiAlnum(lower: string): string {
  // Clean values (the common case) skip the replace and its allocation.
  return ASCII_ALNUM_ONLY.test(lower) ? lower : lower.replace(NOT_ASCII_ALNUM, "");
}

export function orNull(text: string): string | null {
  return text === "" ? null : text;
}
