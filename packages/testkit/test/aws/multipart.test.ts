import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
  paginateListObjectsV2,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { IdentityStore, startS3Emulator, type S3Emulator } from "../../src/index.js";
import { caught, creds, s3Client } from "./helpers.js";

const identities = new IdentityStore();
const user = identities.createUser("tester", [{ actions: ["s3:*"], resource: "*" }]);
const BUCKET = "multi";
let s3: S3Emulator;
beforeAll(async () => {
  s3 = await startS3Emulator({ identities, buckets: [BUCKET] });
});
afterAll(() => s3.close());

const client = () => s3Client(s3.endpoint, creds(user));
const listUploads = async () => (await client().send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads ?? [];
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

describe("S3 front: multipart", () => {
  it("completes a lib-storage Upload of several parts; nothing stays pending", async () => {
    const body = Buffer.alloc(12 * 1024 * 1024 + 123, 7);
    for (let i = 0; i < body.length; i += 4096) body[i] = i % 251;
    const upload = new Upload({ client: client(), params: { Bucket: BUCKET, Key: "big.bin", Body: body }, partSize: 5 * 1024 * 1024, queueSize: 2 });
    await upload.done();
    const got = await client().send(new GetObjectCommand({ Bucket: BUCKET, Key: "big.bin" }));
    expect(sha(Buffer.from(await got.Body!.transformToByteArray()))).toBe(sha(body));
    expect(await listUploads()).toEqual([]);
    expect(s3.pendingMultipartUploads()).toEqual([]);
  });

  it("gives a multipart object AWS's ETag, the MD5 of its parts' MD5s and -<parts>, on every read", async () => {
    const c = client();
    const parts = [Buffer.from("first part "), Buffer.from("second part, longer "), Buffer.from("third")];
    const { UploadId } = await c.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "etag.bin" }));
    const uploaded = [];
    for (const [i, Body] of parts.entries()) {
      const { ETag } = await c.send(new UploadPartCommand({ Bucket: BUCKET, Key: "etag.bin", UploadId, PartNumber: i + 1, Body }));
      uploaded.push({ PartNumber: i + 1, ETag: ETag! });
    }
    const md5 = (b: Buffer) => createHash("md5").update(b).digest();
    const expected = `"${createHash("md5").update(Buffer.concat(parts.map(md5))).digest("hex")}-3"`;
    expect(uploaded.map((p) => p.ETag)).toEqual(parts.map((p) => `"${md5(p).toString("hex")}"`));

    const done = await c.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: "etag.bin", UploadId, MultipartUpload: { Parts: uploaded } }));
    expect(done.ETag).toBe(expected);
    expect((await c.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "etag.bin" }))).ETag).toBe(expected);
    const got = await c.send(new GetObjectCommand({ Bucket: BUCKET, Key: "etag.bin" }));
    expect(got.ETag).toBe(expected);
    expect(await got.Body!.transformToString()).toBe(Buffer.concat(parts).toString());
    const listed = await c.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "etag.bin" }));
    expect(listed.Contents?.map((o) => o.ETag)).toEqual([expected]);
    // A single PUT keeps the plain MD5.
    const put = await c.send(new PutObjectCommand({ Bucket: BUCKET, Key: "single.bin", Body: parts[0] }));
    expect(put.ETag).toBe(`"${md5(parts[0]!).toString("hex")}"`);
  });

  it("refuses to complete with a part's wrong ETag (InvalidPart) or parts out of order (InvalidPartOrder)", async () => {
    const c = client();
    const { UploadId } = await c.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "bad-parts.bin" }));
    const one = await c.send(new UploadPartCommand({ Bucket: BUCKET, Key: "bad-parts.bin", UploadId, PartNumber: 1, Body: "one" }));
    const two = await c.send(new UploadPartCommand({ Bucket: BUCKET, Key: "bad-parts.bin", UploadId, PartNumber: 2, Body: "two" }));
    const complete = (Parts: Array<{ PartNumber: number; ETag: string }>) =>
      caught(c.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: "bad-parts.bin", UploadId, MultipartUpload: { Parts } })));
    const wrong = await complete([{ PartNumber: 1, ETag: one.ETag! }, { PartNumber: 2, ETag: one.ETag! }]);
    expect([wrong.name, wrong.$metadata?.httpStatusCode]).toEqual(["InvalidPart", 400]);
    expect((await complete([{ PartNumber: 1, ETag: one.ETag! }, { PartNumber: 3, ETag: two.ETag! }])).name).toBe("InvalidPart");
    expect((await complete([{ PartNumber: 2, ETag: two.ETag! }, { PartNumber: 1, ETag: one.ETag! }])).name).toBe("InvalidPartOrder");
    expect(s3.pendingMultipartUploads(BUCKET).map((u) => u.key)).toContain("bad-parts.bin");
    await c.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: "bad-parts.bin", UploadId }));
  });

  it("lists an unfinished upload, aborts it (204), discards its parts, and lists nothing after", async () => {
    const { UploadId } = await client().send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "left/over.bin" }));
    await client().send(new UploadPartCommand({ Bucket: BUCKET, Key: "left/over.bin", UploadId, PartNumber: 1, Body: Buffer.alloc(1024, 1) }));
    expect((await listUploads()).map((u) => [u.Key, u.UploadId])).toEqual([["left/over.bin", UploadId]]);
    expect(s3.pendingMultipartUploads().map((u) => u.uploadId)).toEqual([UploadId]);

    const aborted = await client().send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: "left/over.bin", UploadId }));
    expect(aborted.$metadata.httpStatusCode).toBe(204);
    expect(await listUploads()).toEqual([]);
    expect(s3.pendingMultipartUploads()).toEqual([]);
    expect(await readdir(join(s3.dataDir, BUCKET, "._S3rver_uploads"))).not.toContain(UploadId);
    const late = await caught(client().send(new UploadPartCommand({ Bucket: BUCKET, Key: "left/over.bin", UploadId, PartNumber: 2, Body: "x" })));
    expect(late.name).toBe("NoSuchUpload");
    const again = await caught(client().send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: "left/over.bin", UploadId })));
    expect(again.name).toBe("NoSuchUpload");
  });

  it("an Upload cancelled mid-way aborts its multipart upload and leaves none pending", async () => {
    const controller = new AbortController();
    let sawPending = false;
    async function* slowBody() {
      yield Buffer.alloc(5 * 1024 * 1024, 1);
      yield Buffer.alloc(5 * 1024 * 1024, 2);
      // Cancel only once the multipart upload really exists, so the abort has something to clean.
      await expect.poll(() => s3.pendingMultipartUploads().length, { timeout: 10_000 }).toBe(1);
      sawPending = true;
      controller.abort();
      yield Buffer.alloc(5 * 1024 * 1024, 3);
    }
    const upload = new Upload({ client: client(), params: { Bucket: BUCKET, Key: "cancelled.bin", Body: Readable.from(slowBody()) }, partSize: 5 * 1024 * 1024, abortController: controller });
    await expect(upload.done()).rejects.toThrow();
    expect(sawPending).toBe(true);
    await expect.poll(() => s3.pendingMultipartUploads().length).toBe(0);
  });

  it("paginates ListObjectsV2 (s3rver's DES continuation tokens need the legacy OpenSSL provider)", async () => {
    for (let i = 0; i < 5; i++) await client().send(new PutObjectCommand({ Bucket: BUCKET, Key: `page/${i}`, Body: String(i) }));
    const keys: string[] = [];
    for await (const page of paginateListObjectsV2({ client: client(), pageSize: 2 }, { Bucket: BUCKET, Prefix: "page/" })) {
      keys.push(...(page.Contents ?? []).map((c) => c.Key!));
    }
    expect(keys).toEqual(["page/0", "page/1", "page/2", "page/3", "page/4"]);
    const first = await client().send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "page/", MaxKeys: 2 }));
    expect(first.NextContinuationToken).toBeTruthy();
  });
});
