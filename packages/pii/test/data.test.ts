import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { addressWords } from "../src/normalizers/address-tables.js";

const DATA = new URL("../src/data/", import.meta.url);
const files = readdirSync(DATA).filter((f) => f.endsWith(".json"));
const read = (file: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(file, DATA), "utf8")) as Record<string, unknown>;

describe("data tables", () => {
  it("every JSON table names its source", () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const file of files) expect(typeof read(file)._source, file).toBe("string");
  });

  it("every address word is upper-case with no delimiter in it, or it could never match a token", () => {
    for (const file of files.filter((f) => f.startsWith("address-"))) {
      for (const [name, table] of Object.entries(read(file))) {
        if (name === "_source") continue;
        for (const words of Object.values(table as Record<string, string[]>)) {
          for (const word of words) {
            expect(word, `${file} ${name}`).toBe(word.toUpperCase());
            expect(word, `${file} ${name}`).not.toMatch(/[\s,.!()[\]{}]/);
          }
        }
      }
    }
  });

  it("the US table is the full USPS suffix list: over 300 spellings of some 200 suffixes", () => {
    const us = read("address-us.json") as { streetSuffixes: Record<string, string[]> };
    expect(Object.keys(us.streetSuffixes).length).toBeGreaterThan(190);
    expect(Object.values(us.streetSuffixes).flat().length).toBeGreaterThan(480);
    expect(addressWords("US").get("TERRACE")).toBe("TER");
    expect(addressWords("US").get("VALLEY")).toBe("VLY");
  });

  it("state codes are one or two upper-case letters, for Amazon's six countries only", () => {
    const states = read("states.json") as { names: Record<string, Record<string, string>> };
    expect(Object.keys(states).sort()).toEqual(["_source", "names"]);
    expect(Object.keys(states.names).sort()).toEqual(["CA", "DE", "ES", "FR", "IT", "US"]);
    // The sizes of Amazon's tables (state_normalizer.py): nothing added.
    expect(Object.fromEntries(Object.entries(states.names).map(([c, names]) => [c, Object.keys(names).length]))).toEqual({
      US: 50, FR: 22, CA: 13, DE: 16, IT: 110, ES: 63,
    });
    for (const [country, names] of Object.entries(states.names)) {
      for (const [name, code] of Object.entries(names)) {
        expect(name, country).toMatch(/^[A-Z]+$/);
        expect(code, `${country} ${name}`).toMatch(/^[A-Z]{1,2}$/);
      }
    }
  });

  it("local-only phone lengths are small numbers per region", () => {
    const local = read("phone-local-lengths.json") as { regions: Record<string, number[]> };
    expect(local.regions.US).toEqual([7]);
    expect(local.regions.GB).toEqual([4, 5, 6, 8]);
    for (const lengths of Object.values(local.regions)) for (const n of lengths) expect(n).toBeLessThan(17);
  });
});
