import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { IdentityStore, startS3Emulator, type S3Emulator } from "../../src/index.js";
import { creds, s3Client } from "./helpers.js";

// Its own emulator: moving the clock here must not skew the other files' clients.
const identities = new IdentityStore();
const user = identities.createUser("tester", [{ actions: ["s3:*"], resource: "*" }]);
let s3: S3Emulator;
beforeAll(async () => {
  s3 = await startS3Emulator({ identities, buckets: ["skew"] });
});
afterAll(() => s3.close());

const MINUTE = 60_000;
const signer = () => new SignatureV4({ credentials: creds(user), region: "us-east-1", service: "s3", sha256: Sha256, uriEscapePath: false });
const request = (path: string) => ({
  method: "GET", protocol: "http:", hostname: "127.0.0.1", port: s3.port, path, query: {},
  headers: { host: `127.0.0.1:${s3.port}`, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
});
/** GETs `path` signed as of `signingDate`. */
async function getSignedAt(path: string, signingDate: Date): Promise<Response> {
  const signed = await signer().sign(request(path), { signingDate });
  return fetch(`${s3.endpoint}${path}`, { headers: signed.headers as Record<string, string> });
}
const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

describe("S3 front: clock skew", () => {
  it("refuses a request signed more than 15 minutes before or after its clock with 403 RequestTimeTooSkewed", async () => {
    await s3Client(s3.endpoint, creds(user)).send(new PutObjectCommand({ Bucket: "skew", Key: "k.txt", Body: "x" }));
    const now = s3.clock.now();
    expect((await getSignedAt("/skew/k.txt", new Date(now - 14 * MINUTE))).status).toBe(200);
    expect((await getSignedAt("/skew/k.txt", new Date(now + 14 * MINUTE))).status).toBe(200);
    for (const offset of [-16 * MINUTE, 16 * MINUTE]) {
      const res = await getSignedAt("/skew/k.txt", new Date(now + offset));
      expect(res.status).toBe(403);
      const body = await res.text();
      expect(tag(body, "Code")).toBe("RequestTimeTooSkewed");
      expect(tag(body, "Message")).toBe("The difference between the request time and the current time is too large.");
      expect(tag(body, "MaxAllowedSkewMilliseconds")).toBe("900000");
      expect(tag(body, "RequestTime")).toMatch(/^\d{8}T\d{6}Z$/);
      expect(Math.abs(Date.parse(tag(body, "ServerTime")!) - now)).toBeLessThan(5_000);
    }
  });

  it("measures skew on the emulator clock, and answers its time in Date so the SDK corrects itself", async () => {
    s3.clock.advance(20 * MINUTE);
    const sdk = s3Client(s3.endpoint, creds(user));
    const skewed = await sdk.send(new GetObjectCommand({ Bucket: "skew", Key: "k.txt" })).catch((e: Error) => e);
    expect((skewed as Error).name).toBe("RequestTimeTooSkewed");
    // The SDK learnt the server's time from the refusal: the same client now signs in its time.
    const got = await sdk.send(new GetObjectCommand({ Bucket: "skew", Key: "k.txt" }));
    expect(await got.Body!.transformToString()).toBe("x");
    const date = (await fetch(`${s3.endpoint}/skew`)).headers.get("date"); // even an unsigned refusal carries it
    expect(Math.abs(Date.parse(date!) - s3.clock.now())).toBeLessThan(5_000);
  });

  it("keeps presigned URLs to their own X-Amz-Expires, however old their X-Amz-Date", async () => {
    const signedAt = new Date(s3.clock.now());
    const presigned = await signer().presign(request("/skew/k.txt"), { signingDate: signedAt, expiresIn: 3600 });
    const url = `${s3.endpoint}/skew/k.txt?${new URLSearchParams(presigned.query as Record<string, string>).toString()}`;
    s3.clock.advance(40 * MINUTE);
    expect((await fetch(url)).status).toBe(200);
    s3.clock.advance(21 * MINUTE);
    expect(await (await fetch(url)).text()).toContain("Request has expired");
  });
});

