export { PII_TYPES, type PiiType, type PiiOptions, type Normalizer } from "./types.js";
export { hashPii, normalize, normalizerFor, isPiiType, assertPiiType } from "./normalize.js";
export { createPiiHasher, type PiiHasher, type PiiStats, type PiiColumnStats } from "./transform.js";
export { sha256Hex, existingHash } from "./hash.js";
export { resolveCountry, DEFAULT_COUNTRY, SUPPORTED_COUNTRIES } from "./country.js";
