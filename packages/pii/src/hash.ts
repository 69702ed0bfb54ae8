import * as crypto from "node:crypto";

// crypto.hash (Node >= 20.12) skips the Hash object and is about twice as fast for short strings.
const oneShot = (crypto as { hash?: typeof crypto.hash }).hash;

/** Lowercase hex SHA-256 of the UTF-8 bytes of `text`. */
export const sha256Hex: (text: string) => string =
  typeof oneShot === "function"
    ? (text) => oneShot("sha256", text, "hex")
    : (text) => crypto.createHash("sha256").update(text, "utf8").digest("hex");

// Amazon's skip_record_flag: `regex.match("^[a-f0-9]{64}$", text)`. Lower-case only, and
// Python's `$` also matches before a final newline.
const SHA256_HEX = /^[a-f0-9]{64}\n?$/;

/**
 * When `value` already is a SHA-256 hex digest as Amazon's uploader recognises one — exactly 64
 * lower-case hex characters (a final newline allowed) — returns it as it is, for it to be passed
 * through unhashed; otherwise `undefined`. Anything else, upper-case hex or hex with spaces
 * around it included, is normalized like any other value of its type (Amazon's rule).
 */
export function existingHash(value: string): string | undefined {
  // Length first: almost every value is rejected without running the regex.
  if (value.length !== 64 && value.length !== 65) return undefined;
  return SHA256_HEX.test(value) ? value : undefined;
}
