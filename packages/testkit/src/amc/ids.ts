/** Identifiers in the shapes Amazon uses (so a client's format checks see realistic values). */
import { randomBytes, randomUUID } from "node:crypto";

const ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";
const pick = (alphabet: string, n: number) => Array.from(randomBytes(n), (b) => alphabet[b % alphabet.length]).join("");

export const ids = {
  instance: () => `amc${pick(ALNUM, 8)}`,
  account: () => `ENTITY${pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 13)}`,
  advertiser: () => pick("123456789", 1) + pick("0123456789", 12),
  awsAccount: () => pick("123456789", 1) + pick("0123456789", 11),
  lwaClientId: () => `amzn1.application-oa2-client.${randomBytes(16).toString("hex")}`,
  lwaClientSecret: () => `amzn1.oa2-cs.v1.${randomBytes(32).toString("hex")}`,
  refreshToken: () => `Atzr|${randomBytes(48).toString("base64url")}`,
  accessToken: () => `Atza|${randomBytes(48).toString("base64url")}`,
  upload: () => randomUUID(),
  deletion: () => randomUUID(),
  audience: () => randomUUID(),
  dspAudience: () => pick("123456789", 1) + pick("0123456789", 15),
};
