import states from "../data/states.json" with { type: "json" };
import type { Normalizer } from "../types.js";
import { foldAccents, orNull } from "./text.js";

type NameTable = Record<string, Record<string, string>>;

/** Full names → codes per country: Amazon's table, then this package's aliases (Amazon's wins). */
const TABLES = new Map<string, ReadonlyMap<string, string>>();
for (const source of [states.aliases as NameTable, states.amazon as NameTable]) {
  for (const [country, names] of Object.entries(source)) {
    const table = (TABLES.get(country) as Map<string, string> | undefined) ?? new Map<string, string>();
    for (const [name, code] of Object.entries(names)) table.set(name, code);
    TABLES.set(country, table);
  }
}

const NOT_LETTER = /[^A-Z]+/g;

/**
 * STATE: upper-case and keep `A-Z`; a full state/province name of the country becomes its code;
 * otherwise, when the raw value is longer than 2 characters, its first two letters; lower-case.
 * A name is also looked up with its accents removed (Québec → QC) — an addition to Amazon's
 * rule that only changes values Amazon would have cut to two letters of a known name.
 */
export function stateNormalizer(country: string): Normalizer {
  const table = TABLES.get(country);
  return (value) => {
    const letters = value.toUpperCase().replace(NOT_LETTER, "");
    let code = table?.get(letters);
    if (code === undefined && table !== undefined) code = table.get(foldAccents(value).toUpperCase().replace(NOT_LETTER, ""));
    // Amazon compares the length of the raw value (in code points), not of the letters kept.
    const result = code ?? ([...value].length > 2 ? letters.slice(0, 2) : letters);
    return orNull(result.toLowerCase());
  };
}
