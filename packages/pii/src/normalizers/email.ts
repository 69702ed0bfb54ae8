// Amazon keeps letters, digits (any script: Python's \w), `_`, `.`, `@` and `-`.
const ALREADY_CLEAN = /^[a-z0-9_.@-]*$/;
const NOT_KEPT = /[^\p{L}\p{N}_.@-]+/gu;

/**
 * EMAIL: lower-case; drop every character that is not a letter, digit, `_`, `.`, `@`, `-`
 * (so spaces and `+` go); then it must look like `local@domain` (something before the first `@`
 * and something other than `@` right after it), as Amazon's `[\w._-]+@[\w._-]+` prefix match.
 */
export function normalizeEmail(value: string): string | null {
  // Most addresses are already clean: one regex test, no copy. (A hand-written char loop was
  // slower: charCodeAt on concatenated strings does not flatten them.)
  let cleaned = value;
  if (!ALREADY_CLEAN.test(value)) {
    const lower = value.toLowerCase();
    cleaned = ALREADY_CLEAN.test(lower) ? lower : lower.replace(NOT_KEPT, "");
  }
  const at = cleaned.indexOf("@");
  if (at <= 0 || at >= cleaned.length - 1 || cleaned.charCodeAt(at + 1) === 64 /* @ */) return null;
  return cleaned;
}
