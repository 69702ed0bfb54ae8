import numericLetters from "../data/numeric-letters.json" with { type: "json" };
import type { Normalizer } from "../types.js";
import { addressWords } from "./address-tables.js";
import { PYTHON_WHITESPACE, pythonStrip } from "./text.js";

// Token delimiters, as Amazon's: commas (with a space either side), C/O as a word, !, brackets,
// whitespace and dots. Whitespace is Python's (\s, str.strip): it includes U+001C-U+001F and
// U+0085, and not U+FEFF (a BOM is part of the token) — JavaScript's \s and trim() differ on all
// of these. The C/O boundaries are Unicode-aware like Python's \b.
const S = PYTHON_WHITESPACE;
const DELIMITERS = new RegExp(`(?:[${S}]?,[${S}]?)+|(?<![\\p{L}\\p{N}_])C/O(?![\\p{L}\\p{N}_])|!|[[{(\\]})]|[${S}]+|\\.`, "u");
// `APT#4`, `#4`, `4#`: split around the pound sign (ASCII letters/digits only, as Amazon's).
const POUND = /([A-Z]*)#([0-9A-Z\-/]*)/g;
// Python's str.isnumeric(): Unicode digits and numbers, plus CJK numerals such as 三.
const NUMERIC = new RegExp(`^[\\p{N}${String.fromCodePoint(...numericLetters.codePoints)}]+$`, "u");

/**
 * ADDRESS: street number and name. Upper-case; split into tokens; `12-B` → `12`,`B` when the left
 * part is numeric and the right is not; `#4` → `#`,`4`; replace each token through the country's
 * tables (suffixes, directionals, unit words, `#`/`NO`/`NUM` → `NUMBER`); join without separators;
 * lower-case. Punctuation inside a token (`O'NEIL`, `12-14`) is kept, as Amazon keeps it.
 */
export function addressNormalizer(country: string): Normalizer {
  const words = addressWords(country);
  return (value) => {
    const tokens = pythonStrip(value).toUpperCase().split(DELIMITERS).filter((t) => t !== "");
    splitDashes(tokens);
    splitPounds(tokens);
    let joined = "";
    for (const token of tokens) joined += words.get(token) ?? token;
    return joined === "" ? null : joined.toLowerCase();
  };
}

// Amazon's rules walk the token list as it was before splitting (a Python `for i in range(len)`
// over a list that grows), so only the first len(tokens) positions are visited. Reproduced so
// unusual inputs hash identically.

function splitDashes(tokens: string[]): void {
  const visited = tokens.length;
  for (let i = 0; i < visited; i++) {
    const word = tokens[i]!;
    const dash = word.lastIndexOf("-");
    if (dash <= 0 || dash >= word.length - 1) continue;
    const left = word.slice(0, dash);
    const right = word.slice(dash + 1);
    if (NUMERIC.test(left) && !NUMERIC.test(right)) tokens.splice(i, 1, left, right);
  }
}

function splitPounds(tokens: string[]): void {
  const visited = tokens.length;
  for (let start = 0; start < visited; start++) {
    const word = tokens[start]!;
    if (!word.includes("#")) continue;
    // Each match replaces the token at `at`, which moves on to the last piece inserted.
    let at = start;
    for (const match of word.matchAll(POUND)) {
      const left = match[1]!;
      const right = match[2]!;
      if (left === "" && right === "") continue;
      const pieces = left === "" ? ["#", right] : right === "" ? [left, "#"] : [left, "#", right];
      tokens.splice(at, 1, ...pieces);
      at += pieces.length - 1;
    }
  }
}
