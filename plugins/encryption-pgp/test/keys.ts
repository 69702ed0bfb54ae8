import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decrypt, generateKey, readMessage, readPrivateKey, revokeKey } from "openpgp";
import { runTool } from "@conveyor/testkit";

/** Keys are generated per test run; no private key is ever committed. */
export interface TestKey {
  publicKey: string;
  privateKey: string;
}

const userIDs = [{ name: "Conveyor Test", email: "test@example.com" }];

export function rsaKey(bits: 2048 | 4096): Promise<TestKey> {
  return generateKey({ type: "rsa", rsaBits: bits, userIDs, format: "armored" });
}

/** Curve25519 as GnuPG 2.2 knows it (v4 key, legacy curve name). */
export function curve25519Key(): Promise<TestKey> {
  return generateKey({ type: "ecc", curve: "curve25519Legacy", userIDs, format: "armored" });
}

export async function expiredKey(): Promise<TestKey> {
  const created = new Date(Date.now() - 2 * 86_400_000);
  return generateKey({ type: "ecc", curve: "curve25519Legacy", userIDs, date: created, keyExpirationTime: 3600, format: "armored" });
}

export async function revokedKey(): Promise<TestKey> {
  const { privateKey } = await curve25519Key();
  const revoked = await revokeKey({ key: await readPrivateKey({ armoredKey: privateKey }), format: "armored" });
  return { publicKey: revoked.publicKey, privateKey: revoked.privateKey };
}

/** A signing-only key: an Ed25519 primary and no subkey. */
export function signOnlyKey(): Promise<TestKey> {
  return generateKey({ type: "ecc", curve: "curve25519Legacy", userIDs, subkeys: [], format: "armored" });
}

export async function decryptWithOpenpgp(privateKey: string, bytes: Buffer): Promise<Buffer> {
  const { data } = await decrypt({
    message: await readMessage({ binaryMessage: bytes }),
    decryptionKeys: await readPrivateKey({ armoredKey: privateKey }),
    format: "binary",
  });
  return Buffer.from(data);
}

/** Decrypts with GnuPG in a throw-away GNUPGHOME (its agent stopped afterwards). */
export async function decryptWithGpg(privateKey: string, bytes: Buffer): Promise<Buffer> {
  const home = await mkdtemp(join(tmpdir(), "gpg-"));
  const env = { ...process.env, GNUPGHOME: home };
  try {
    await writeFile(join(home, "key.asc"), privateKey);
    await writeFile(join(home, "message.pgp"), bytes);
    await runTool("gpg", ["--batch", "--quiet", "--import", join(home, "key.asc")], { env });
    return await runTool("gpg", ["--batch", "--quiet", "--pinentry-mode", "loopback", "--passphrase", "", "--decrypt", join(home, "message.pgp")], { env });
  } finally {
    await runTool("gpgconf", ["--kill", "gpg-agent"], { env }).catch(() => {});
    await rm(home, { recursive: true, force: true });
  }
}
