import { ConnectorError, MemorySink, runFilePipeline, type Encryptor } from "@conveyor/core";
import { bufferFile, hostWith, readAll, stageContext } from "@conveyor/testkit/conformance";
import { readMessage } from "openpgp";
import { beforeAll, describe, expect, it } from "vitest";
import pgpPlugin, { readPublicKey } from "../src/index.js";
import { curve25519Key, decryptWithGpg, decryptWithOpenpgp, expiredKey, revokedKey, rsaKey, signOnlyKey, type TestKey } from "./keys.js";

const make = (publicKey: string) => hostWith(pgpPlugin).createSync<Encryptor>("encryptor", "pgp", { public_key: publicKey });
const plain = Buffer.concat([Buffer.from("id,name\n1,Åsa\n2,\"Le, Count\"\n".repeat(40_000)), Buffer.from([0, 255, 1, 254])]);

const keys: Record<string, TestKey> = {};
beforeAll(async () => {
  [keys.rsa2048, keys.rsa4096, keys.curve25519] = await Promise.all([rsaKey(2048), rsaKey(4096), curve25519Key()]);
}, 120_000);

describe.each(["rsa2048", "rsa4096", "curve25519"])("a %s key", (name) => {
  it("encrypts a binary OpenPGP message that openpgp and `gpg --decrypt` both restore byte for byte", async () => {
    const key = keys[name]!;
    const out = await make(key.publicKey).encrypt(bufferFile("query_name_2025_01_31.csv.gz", plain), stageContext());
    expect(out.name).toBe("query_name_2025_01_31.csv.gz.pgp");
    expect(out.contentType).toBe("application/pgp-encrypted");
    const cipher = await readAll(out.body);
    expect(cipher[0]! & 0x80).toBe(0x80); // a binary packet tag, not "-----BEGIN PGP MESSAGE-----"
    expect((await decryptWithOpenpgp(key.privateKey, cipher)).equals(plain)).toBe(true);
    expect((await decryptWithGpg(key.privateKey, cipher)).equals(plain)).toBe(true);
  });

  it("says which key id will encrypt, and the message is addressed to it", async () => {
    const key = keys[name]!;
    const { info } = await readPublicKey(key.publicKey);
    expect(info.encryptionKeyId).toMatch(/^[0-9A-F]{16}$/);
    const out = await make(key.publicKey).encrypt(bufferFile("a.csv", Buffer.from("x")), stageContext());
    const message = await readMessage({ binaryMessage: await readAll(out.body) });
    expect(message.getEncryptionKeyIDs().map((id) => id.toHex().toUpperCase())).toEqual([info.encryptionKeyId]);
  });
});

describe("pipeline", () => {
  it("encrypts every file of a run, each named with .pgp", async () => {
    const { customerRows, customerSchema } = await import("@conveyor/testkit");
    const formatter = {
      extension: ".csv",
      contentType: "text/csv",
      async *format() {
        yield bufferFile("t/0000001.csv", Buffer.from("a\n"));
        yield bufferFile("t/0000002.csv", Buffer.from("b\n"));
      },
    };
    const sink = new MemorySink();
    await runFilePipeline(customerRows(1), { formatter, encryptor: make(keys.curve25519!.publicKey), sink }, stageContext({ schema: customerSchema }));
    expect([...sink.files.keys()]).toEqual(["t/0000001.csv.pgp", "t/0000002.csv.pgp"]);
    expect((await decryptWithOpenpgp(keys.curve25519!.privateKey, sink.files.get("t/0000002.csv.pgp")!.bytes)).toString()).toBe("b\n");
  });
});

describe("key validation", () => {
  const cases: Array<[string, () => Promise<string>, RegExp]> = [
    ["garbage armor", async () => "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnot a key\n-----END PGP PUBLIC KEY BLOCK-----\n", /cannot be read as an ASCII-armored OpenPGP public key/],
    ["text that is no armor at all", async () => "ssh-rsa AAAAB3NzaC1yc2E", /cannot be read as an ASCII-armored OpenPGP public key/],
    ["a private key given as the public key", async () => keys.rsa2048!.privateKey, /is a private key; give the public key instead/],
    ["an expired key", async () => (await expiredKey()).publicKey, /expired on \d{4}-\d{2}-\d{2}T/],
    ["a revoked key", async () => (await revokedKey()).publicKey, /has been revoked/],
    ["a key without an encryption-capable key", async () => (await signOnlyKey()).publicKey, /has no valid encryption-capable key or subkey/],
  ];

  for (const [why, key, reason] of cases) {
    it(`refuses ${why} at save time, naming public_key`, async () => {
      const publicKey = await key();
      const problems = await hostWith(pgpPlugin).validate("encryptor", "pgp", { public_key: publicKey }, "destination.settings.pgp");
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ path: "destination.settings.pgp.public_key", severity: "error", code: "pgp.invalid-key" });
      expect(problems[0]!.message).toMatch(reason);

      const error = await hostWith(pgpPlugin)
        .create("encryptor", "pgp", { public_key: publicKey }, { path: "destination.settings.pgp" })
        .catch((e: unknown) => e);
      expect(ConnectorError.is(error) && error.category).toBe("invalid-input");
      expect((error as ConnectorError).code).toBe("pgp.invalid-key");
      expect((error as ConnectorError).message).toContain("destination.settings.pgp.public_key:");
    });

    it(`refuses ${why} at run time with pgp.invalid-key`, async () => {
      const encryptor = make(await key());
      const error = await encryptor.encrypt(bufferFile("a.csv", Buffer.from("x")), stageContext()).catch((e: unknown) => e);
      expect(ConnectorError.is(error)).toBe(true);
      expect(error).toMatchObject({ code: "pgp.invalid-key", category: "invalid-input" });
      expect((error as ConnectorError).message).toMatch(/^public_key: /);
      expect((error as ConnectorError).message).toMatch(reason);
    });
  }

  it("accepts a valid key and says which key id files will be encrypted to", async () => {
    const problems = await hostWith(pgpPlugin).validate("encryptor", "pgp", { public_key: keys.rsa2048!.publicKey }, "s");
    expect(problems).toEqual([{ path: "s.public_key", severity: "info", message: expect.stringMatching(/^files will be encrypted to key [0-9A-F]{16}( \(a subkey of [0-9A-F]{16}\))?, rsa\w* 2048$/i) }]);
  });

  it("refuses an empty key as a settings problem", async () => {
    const problems = await hostWith(pgpPlugin).validate("encryptor", "pgp", { public_key: "" }, "s");
    expect(problems).toEqual([{ path: "s.public_key", message: "must be at least 1 character", severity: "error" }]);
  });
});
