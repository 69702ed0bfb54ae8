import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { IdentityStore, startS3Emulator, type S3Emulator } from "../../src/index.js";
import { caught, creds, s3Client } from "./helpers.js";

const identities = new IdentityStore();
const user = identities.createUser("tester", [{ actions: ["s3:*"], resource: "*" }]);
let s3: S3Emulator;

beforeAll(async () => {
  s3 = await startS3Emulator({ identities, buckets: ["sig-bucket"] });
});
afterAll(() => s3.close());

describe("S3 front: SigV4", () => {
  it("accepts a correctly signed request and stores the bytes as sent", async () => {
    const client = s3Client(s3.endpoint, creds(user));
    await client.send(new PutObjectCommand({ Bucket: "sig-bucket", Key: "dir/hello world+ü.txt", Body: "hello" }));
    const got = await client.send(new GetObjectCommand({ Bucket: "sig-bucket", Key: "dir/hello world+ü.txt" }));
    expect(await got.Body!.transformToString()).toBe("hello");
  });

  it("answers SignatureDoesNotMatch for a wrong secret", async () => {
    const client = s3Client(s3.endpoint, { accessKeyId: user.accessKeyId, secretAccessKey: "not-the-secret" });
    const error = await caught(client.send(new PutObjectCommand({ Bucket: "sig-bucket", Key: "x", Body: "x" })));
    expect(error.name).toBe("SignatureDoesNotMatch");
    expect(error.$metadata?.httpStatusCode).toBe(403);
  });

  it("answers InvalidAccessKeyId for an unknown key", async () => {
    const client = s3Client(s3.endpoint, { accessKeyId: "AKIAUNKNOWN000000000", secretAccessKey: "whatever" });
    const error = await caught(client.send(new ListObjectsV2Command({ Bucket: "sig-bucket" })));
    expect(error.name).toBe("InvalidAccessKeyId");
    expect(error.$metadata?.httpStatusCode).toBe(403);
  });

  it("answers AuthorizationHeaderMalformed for a request signed for another region", async () => {
    const client = s3Client(s3.endpoint, creds(user), { region: "eu-west-1" });
    const error = await caught(client.send(new ListObjectsV2Command({ Bucket: "sig-bucket" })));
    expect(error.name).toBe("AuthorizationHeaderMalformed");
  });

  it("refuses an unsigned request with AccessDenied", async () => {
    const res = await fetch(`${s3.endpoint}/sig-bucket?list-type=2`);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("<Code>AccessDenied</Code>");
  });

  it("refuses a signed request whose signed header was changed in transit", async () => {
    const signer = new SignatureV4({ credentials: creds(user), region: "us-east-1", service: "s3", sha256: Sha256, uriEscapePath: false });
    const signed = await signer.sign({
      method: "GET", protocol: "http:", hostname: "127.0.0.1", port: s3.port, path: "/sig-bucket", query: { "list-type": "2" },
      headers: { host: `127.0.0.1:${s3.port}`, "x-amz-content-sha256": "UNSIGNED-PAYLOAD", "x-amz-meta-note": "original" },
    });
    const url = `${s3.endpoint}/sig-bucket?list-type=2`;
    const headers = signed.headers as Record<string, string>;
    expect((await fetch(url, { headers })).status).toBe(200);
    const tampered = await fetch(url, { headers: { ...headers, "x-amz-meta-note": "changed" } });
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain("<Code>SignatureDoesNotMatch</Code>");
  });

  it("accepts presigned URLs and refuses tampered or expired ones", async () => {
    const client = s3Client(s3.endpoint, creds(user));
    await client.send(new PutObjectCommand({ Bucket: "sig-bucket", Key: "presigned.txt", Body: "shared" }));
    const signer = new SignatureV4({ credentials: creds(user), region: "us-east-1", service: "s3", sha256: Sha256, uriEscapePath: false });
    const presigned = await signer.presign(
      { method: "GET", protocol: "http:", hostname: "127.0.0.1", port: s3.port, path: "/sig-bucket/presigned.txt", query: {},
        // As @aws-sdk/s3-request-presigner does: S3 presigned URLs sign UNSIGNED-PAYLOAD.
        headers: { host: `127.0.0.1:${s3.port}`, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } },
      { expiresIn: 60 },
    );
    const qs = (q: Record<string, unknown>) => new URLSearchParams(q as Record<string, string>).toString();
    const ok = await fetch(`${s3.endpoint}/sig-bucket/presigned.txt?${qs(presigned.query!)}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("shared");
    const tampered = await fetch(`${s3.endpoint}/sig-bucket/presigned.txt?${qs({ ...presigned.query!, "X-Amz-Expires": "600" })}`);
    expect(await tampered.text()).toContain("<Code>SignatureDoesNotMatch</Code>");
    s3.clock.advance(120_000);
    const expired = await fetch(`${s3.endpoint}/sig-bucket/presigned.txt?${qs(presigned.query!)}`);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain("Request has expired");
  });

  it("unwraps aws-chunked (STREAMING-*) bodies of a client with default checksums", async () => {
    const client = s3Client(s3.endpoint, creds(user), { requestChecksumCalculation: "WHEN_SUPPORTED" });
    const { Readable } = await import("node:stream");
    const body = "0123456789".repeat(10_000);
    await client.send(new PutObjectCommand({ Bucket: "sig-bucket", Key: "chunked.txt", Body: Readable.from([body]), ContentLength: body.length }));
    const got = await s3Client(s3.endpoint, creds(user)).send(new GetObjectCommand({ Bucket: "sig-bucket", Key: "chunked.txt" }));
    expect(await got.Body!.transformToString()).toBe(body);
  });
});
