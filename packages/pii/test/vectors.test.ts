import { describe, expect, it } from "vitest";
import { hashPii, normalize, type PiiType } from "../src/index.js";

// Researched test vectors of Amazon's normalization, by exact hash.
const VECTORS: [PiiType, string | undefined, string, string, string][] = [
  ["EMAIL", undefined, "fchecketts0@webeden.co.uk", "fchecketts0@webeden.co.uk", "5bd5f77cb5a05b8a30fb028e800c19207c158772564e485561e5596506aba005"],
  ["EMAIL", undefined, "abc@example.com", "abc@example.com", "9eceb13483d7f187ec014fd6d4854d1420cfc634328af85f51d0323ba8622e21"],
  ["FIRST_NAME", undefined, "Faulkner", "faulkner", "77f53c97d937d5b146f99f9dae5017853c76cde577f8dd9d986bbeec238ae0f0"],
  ["LAST_NAME", undefined, "Le - Count", "lecount", "e07bd0b0efe28184c01ec8c227f713571043ae3717881288f5cf03c7f4c1b27d"],
  ["PHONE", "US", "5714120599", "15714120599", "8ae78b78db5e45aff4a0646198a9f1e60270ba153349b29b4ce0bbd2f5ec9cc9"],
  ["PHONE", "US", "+1 (413) 871-4499", "14138714499", "ed4f1d5e1d3e44fefa8dbc7e1ed7d1ada51311f88d95d8c4e55624d38735088c"],
  ["PHONE", "JP", "7527903759", "817527903759", "c5ecf97c4939cd03aafad5257ebf862eb1d96dfe9a838def5eebd963e874cced"],
  ["CITY", undefined, "Dallas", "dallas", "fa2115f8d576a6ab722956697fc759c31d1cd6b93c8336bfebf73ed5cba2ff49"],
  ["CITY", "DE", "München", "mnchen", "ea3defc658f796efc039e19098dcb38fde17fe80827f6b4f04073991369d5319"],
  ["STATE", "US", "Texas", "tx", "1b5b9ccb3e8d006a5230de9bda23ff91edc794d4f56410560830b418528e446c"],
  ["STATE", "CA", "British Columbia", "bc", "1e0bbd6c686ba050b8eb03ffeedc64fdc9d80947fce821abbe5d6dc8d252c5ac"],
  ["ZIP", "US", "75236-9599", "75236", "91b6147da4928d5742bb8ddb035e75f9fe77a7f88881906ac7417abf8a46effa"],
  ["ZIP", "JP", "787-0150", "7870150", "3514118185299f8e6cadb3b93ca559e3c2cf73f2f72261851f597891709ff1b3"],
  ["ZIP", "GB", "A11AA", "A11AA", "c4ef5b7f4702eaa1962ece290ae31a95b4c50346d6ec09c5c5bcf3961ffef101"],
  ["ADDRESS", "US", "8 Bluestem Terrace", "8bluestemter", "fe8115cbef0c2b9c5bedbedaa34b080223959365176679d9b0461465b1b08425"],
  ["ADDRESS", "US", "744 Messerschmidt Avenue", "744messerschmidtave", "70618603f0cfaf038eca8abce604793128902d18176cc9b6c8ac76fdaa70b41d"],
  ["ADDRESS", "GB", "7914 CORSCOT STREET", "7914corscotst", "0510a6d094cb010ca310139419f20686cab7245cc43840bf5345d09a088096f6"],
];

describe("researched test vectors", () => {
  for (const [type, country, input, normalized, hash] of VECTORS) {
    it(`${type}${country ? ` (${country})` : ""} ${JSON.stringify(input)} → ${normalized} → ${hash.slice(0, 12)}…`, () => {
      const options = country ? { country } : {};
      expect(normalize(type, input, options)).toBe(normalized);
      expect(hashPii(type, input, options)).toBe(hash);
    });
  }
});
