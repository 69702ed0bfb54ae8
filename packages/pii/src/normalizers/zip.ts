import type { Normalizer } from "../types.js";

interface ZipRule {
  /** Characters removed first. */
  readonly strip: RegExp;
  /** Longer values are cut to this length. */
  readonly length: number;
  readonly valid: RegExp;
}

const ALNUM = /[^0-9A-Za-z]+/g;
const DIGITS = /[^0-9]+/g;

// Amazon's ZipNormalizer, per country. Case is kept for CA and GB, as Amazon does.
const RULES: Record<string, ZipRule> = {
  CA: { strip: ALNUM, length: 6, valid: /^(?:[A-Za-z]\d){3}$/ },
  GB: { strip: ALNUM, length: 7, valid: /^(?:[A-Za-z]{1,2}\d{2,3}|[A-Za-z]{1,2}\d[A-Za-z]\d)[A-Za-z]{2}$/ },
  // Python's \d is Unicode-aware: IN keeps decimal digits of any script (०-९).
  IN: { strip: /[^\p{Nd}]+/gu, length: 6, valid: /^\p{Nd}{6}$/u },
  JP: { strip: DIGITS, length: 7, valid: /^\d{7}$/ },
};
// US, FR and every other country: the first five digits.
const DEFAULT_RULE: ZipRule = { strip: DIGITS, length: 5, valid: /^\d{5}$/ };

/** ZIP: strip to the country's character set, cut to its length, then check its shape. */
export function zipNormalizer(country: string): Normalizer {
  const rule = RULES[country] ?? DEFAULT_RULE;
  return (value) => {
    const kept = value.replace(rule.strip, "");
    const cut = [...kept].length > rule.length ? [...kept].slice(0, rule.length).join("") : kept;
    return rule.valid.test(cut) ? cut : null;
  };
}
