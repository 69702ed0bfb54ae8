import common from "../data/address-common.json" with { type: "json" };
import es from "../data/address-es.json" with { type: "json" };
import fr from "../data/address-fr.json" with { type: "json" };
import gb from "../data/address-gb.json" with { type: "json" };
import it from "../data/address-it.json" with { type: "json" };
import us from "../data/address-us.json" with { type: "json" };

/** A data table: standard form → the words (upper-case) that become it. */
type WordTable = Readonly<Record<string, readonly string[]>>;

const DEFAULT: readonly WordTable[] = [common.defaultStreetSuffixes];

// Which tables apply, in Amazon's order; a word found in several takes the later table's form.
const TABLES_BY_COUNTRY: Record<string, readonly WordTable[]> = {
  US: [us.streetSuffixes, us.unitDesignators],
  CA: DEFAULT,
  GB: [gb.organizationSuffixes, gb.streetSuffixes, gb.unitDesignators],
  FR: [fr.streetDesignators, ...DEFAULT],
  DE: DEFAULT,
  ES: [...DEFAULT, es.streetPrefixes],
  IT: [...DEFAULT, it.streetPrefixes],
  JP: DEFAULT,
  IN: DEFAULT,
};

const cache = new Map<string, ReadonlyMap<string, string>>();

/**
 * Word → replacement for a country: number indicators and directionals everywhere, then the
 * country's street-type and unit tables. Throws for a country Amazon's normalizer does not list
 * (resolveCountry refuses those before this is reached).
 */
export function addressWords(country: string): ReadonlyMap<string, string> {
  let words = cache.get(country);
  if (words === undefined) {
    const tables = TABLES_BY_COUNTRY[country];
    if (tables === undefined) throw new Error(`no address tables for country ${country}`);
    const map = new Map<string, string>();
    for (const table of [common.numberIndicators, common.directionals, ...tables]) {
      for (const [standard, variants] of Object.entries(table as WordTable)) {
        for (const variant of variants) map.set(variant, standard);
      }
    }
    cache.set(country, map);
    words = map;
  }
  return words;
}
