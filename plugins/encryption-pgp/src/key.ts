import { ConnectorError } from "@conveyor/core";
import { readKey, type Key, type PublicKey } from "openpgp";

/** What a user is told about the key their files will be encrypted to. */
export interface PublicKeyInfo {
  /** The (sub)key that encrypts, 16 hex digits, as `gpg --list-keys --keyid-format long` shows it. */
  readonly encryptionKeyId: string;
  readonly primaryKeyId: string;
  readonly fingerprint: string;
  readonly algorithm: string;
  readonly userIds: readonly string[];
}

export interface UsablePublicKey {
  readonly key: PublicKey;
  readonly info: PublicKeyInfo;
}

/** The refusal of a key that cannot encrypt, raised at save time and again (if ever reached) at run time. */
export function invalidKey(reason: string): ConnectorError {
  return new ConnectorError({
    code: "pgp.invalid-key",
    category: "invalid-input",
    message: `public_key: ${reason}`,
    details: { setting: "public_key", reason },
  });
}

/**
 * Reads an ASCII-armored public key and checks it can encrypt now: parsable, not a private key,
 * not revoked or expired, with an encryption-capable key or subkey (whichever it is — the
 * primary is accepted as well as a subkey). Throws `pgp.invalid-key` saying which rule failed.
 */
export async function readPublicKey(armored: string, now: Date = new Date()): Promise<UsablePublicKey> {
  let key: Key;
  try {
    key = await readKey({ armoredKey: armored });
  } catch (error) {
    throw invalidKey(`cannot be read as an ASCII-armored OpenPGP public key (${(error as Error).message})`);
  }
  if (key.isPrivate()) {
    throw invalidKey("is a private key; give the public key instead (e.g. `gpg --armor --export <key id>`) and keep the private key secret");
  }
  const id = key.getKeyID().toHex().toUpperCase();
  if (await key.isRevoked(undefined, undefined, now)) throw invalidKey(`key ${id} has been revoked; ask the recipient for a current key`);
  const expiration = await key.getExpirationTime().catch(() => null);
  if (expiration instanceof Date && expiration.getTime() <= now.getTime()) {
    throw invalidKey(`key ${id} expired on ${expiration.toISOString()}; ask the recipient to extend it or send a new key`);
  }
  let encryptionKey: Awaited<ReturnType<Key["getEncryptionKey"]>>;
  try {
    encryptionKey = await key.getEncryptionKey(undefined, now);
  } catch (error) {
    throw invalidKey(`key ${id} has no valid encryption-capable key or subkey (${(error as Error).message})`);
  }
  const info: PublicKeyInfo = {
    encryptionKeyId: encryptionKey.getKeyID().toHex().toUpperCase(),
    primaryKeyId: id,
    fingerprint: key.getFingerprint().toUpperCase(),
    algorithm: describeAlgorithm(encryptionKey.getAlgorithmInfo()),
    userIds: key.getUserIDs(),
  };
  return { key: key as PublicKey, info };
}

function describeAlgorithm(info: { algorithm: string; bits?: number; curve?: string }): string {
  return info.bits ? `${info.algorithm} ${info.bits}` : info.curve ? `${info.algorithm} ${info.curve}` : info.algorithm;
}
