import { describeEncryptor } from "@conveyor/testkit/conformance";
import pgpPlugin from "../src/index.js";
import { decryptWithGpg, decryptWithOpenpgp, rsaKey } from "./keys.js";

const key = await rsaKey(2048);

describeEncryptor(pgpPlugin, {
  settings: { public_key: key.publicKey },
  // gpg is the independent reader; openpgp with the private key must agree with it.
  decrypt: async (bytes) => {
    const [byGpg, byOpenpgp] = await Promise.all([decryptWithGpg(key.privateKey, bytes), decryptWithOpenpgp(key.privateKey, bytes)]);
    if (!byGpg.equals(byOpenpgp)) throw new Error("gpg and openpgp decrypt to different bytes");
    return byGpg;
  },
  invalidSettings: [
    { why: "the key is garbage armor", settings: { public_key: "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxx\n-----END PGP PUBLIC KEY BLOCK-----" }, path: "public_key" },
    { why: "the private key is given", settings: { public_key: key.privateKey }, path: "public_key" },
  ],
});
