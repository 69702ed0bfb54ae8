import states from "../data/states.json" with { type: "json" };
import type { Normalizer } from "../types.js";
import { orNull } from "./text.js";

const TABLES = new Map<string, ReadonlyMap<string, string>>(
  Object.entries(states.names as Record<string, Record<string, string>>).map(([country, names]) => [country, new Map(Object.entries(names))]),
);

const NOT_LETTER = /[^A-Z]+/g;

/**
 * STATE, exactly Amazon's state_normalizer.py: upper-case and keep `A-Z`; when that is a full
 * name in Amazon's table for the country (US, CA, DE, FR, ES, IT) it becomes its code;
 * otherwise, when the raw value is longer than 2 characters, its first two letters; lower-case.
 * Nothing else: no other names, no accent removal (`Québec` → `QUBEC` → `qu`, as in Amazon's
 * sample data; `District of Columbia` → `di`).
 */
export function stateNormalizer(country: string): Normalizer {
  const table = TABLES.get(country);
  return (value) => {
    const letters = value.toUpperCase().replace(NOT_LETTER, "");
    const code = table?.get(letters);
    // Amazon compares the length of the raw value (in code points), not of the letters kept.
    const result = code ?? ([...value].length > 2 ? letters.slice(0, 2) : letters);
    return orNull(result.toLowerCase());
  };
}
