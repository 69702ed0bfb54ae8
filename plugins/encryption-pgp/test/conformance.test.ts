import { describeEncryptor } from "@conveyor/testkit/conformance";
import pgpPlugin from "../src/index.js";
import { decryptWithGpg, decryptWithOpenpgp, rsaKey } from "./keys.js";

// Generated once, inside the first test that needs it: the fixtures are async.
let generated: ReturnType<typeof rsaKey> | undefined;
const key = () => (generated ??= rsaKey(2048));

describeEncryptor(pgpPlugin, {
  settings: async () => ({ public_key: (await key()).publicKey }),
  // gpg is the independent reader; openpgp with the private key must agree with it.
  decrypt: async (bytes) => {
    const { privateKey } = await key();
    const [byGpg, byOpenpgp] = await Promise.all([decryptWithGpg(privateKey, bytes), decryptWithOpenpgp(privateKey, bytes)]);
    if (!byGpg.equals(byOpenpgp)) throw new Error("gpg and openpgp decrypt to different bytes");
    return byGpg;
  },
  invalidSettings: [
    { why: "the key is garbage armor", settings: { public_key: "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxx\n-----END PGP PUBLIC KEY BLOCK-----" }, path: "public_key" },
    { why: "the private key is given", settings: async () => ({ public_key: (await key()).privateKey }), path: "public_key" },
  ],
});
