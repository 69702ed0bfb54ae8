import { API_VERSION, ConnectorError, definePlugin, implementationToken, type Problem } from "@conveyor/core";
import { z } from "zod";
import { PgpEncryptor } from "./encryptor.js";
import { readPublicKey } from "./key.js";

export { PgpEncryptor, type PgpSettings } from "./encryptor.js";
export { invalidKey, readPublicKey, type PublicKeyInfo, type UsablePublicKey } from "./key.js";

export const pgpPlugin = definePlugin({
  id: "pgp",
  kind: "encryptor",
  version: "0.1.0",
  apiVersion: API_VERSION,
  displayName: "PGP",
  description: "Encrypts each file to an OpenPGP public key (binary message, .pgp appended), streaming.",
  settings: z
    .object({
      public_key: z.string().min(1).describe("ASCII-armored OpenPGP public key (RSA 2048–4096 or Curve25519)."),
    })
    .strict(),
  /** Refuses a key that cannot encrypt at save time, so it is never discovered mid-run. */
  async check(settings): Promise<Problem[]> {
    try {
      const { info } = await readPublicKey(settings.public_key);
      const owner = info.encryptionKeyId === info.primaryKeyId ? "" : ` (a subkey of ${info.primaryKeyId})`;
      return [{ path: "public_key", severity: "info", message: `files will be encrypted to key ${info.encryptionKeyId}${owner}, ${info.algorithm}` }];
    } catch (error) {
      if (!ConnectorError.is(error) || error.code !== "pgp.invalid-key") throw error;
      return [{ path: "public_key", message: String(error.details?.reason), severity: "error", code: "pgp.invalid-key" }];
    }
  },
  register(container) {
    container.register(implementationToken("encryptor", "pgp"), { useClass: PgpEncryptor });
  },
});

export default pgpPlugin;
