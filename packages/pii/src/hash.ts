import * as crypto from "node:crypto";

// crypto.hash (Node >= 20.12) skips the Hash object and is about twice as fast for short strings.
const oneShot = (crypto as { hash?: typeof crypto.hash }).hash;

/** Lowercase hex SHA-256 of the UTF-8 bytes of `text`. */
export const sha256Hex: (text: string) => string =
  typeof oneShot === "function"
    ? (text) => oneShot("sha256", text, "hex")
    : (text) => crypto.createHash("sha256").update(text, "utf8").digest("hex");

const HEX64 = /^[0-9a-fA-F]{64}$/;

/**
 * When `value` already is a SHA-256 hex digest (64 hex characters, either case, surrounding
 * whitespace ignored) returns it lower-cased; otherwise `undefined`.
 */
export function existingHash(value: string): string | undefined {
  // Length first: almost every value is rejected without running the regex.
  if (value.length < 64) return undefined;
  const candidate = value.length === 64 ? value : value.trim();
  return candidate.length === 64 && HEX64.test(candidate) ? candidate.toLowerCase() : undefined;
}
