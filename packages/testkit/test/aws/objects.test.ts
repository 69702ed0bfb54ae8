import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  GetObjectCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { IdentityStore, startS3Emulator, type S3Emulator } from "../../src/index.js";
import { caught, creds, s3Client } from "./helpers.js";

const identities = new IdentityStore();
const admin = identities.createUser("admin", [{ actions: ["s3:*"], resource: "*" }]);
const BUCKET = "objects";
let s3: S3Emulator;
beforeAll(async () => {
  s3 = await startS3Emulator({ identities, buckets: [BUCKET] });
});
afterAll(() => s3.close());
const client = () => s3Client(s3.endpoint, creds(admin));
const tagsOf = async (Key: string) => (await client().send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key }))).TagSet;

describe("S3 front: tags, SSE headers, bucket names", () => {
  it("stores x-amz-tagging given on PUT, readable with GetObjectTagging", async () => {
    await client().send(new PutObjectCommand({ Bucket: BUCKET, Key: "tagged.csv", Body: "x", Tagging: "source=conveyor&job=weekly%20export" }));
    expect(await tagsOf("tagged.csv")).toEqual([{ Key: "source", Value: "conveyor" }, { Key: "job", Value: "weekly export" }]);
  });

  it("applies tags given at CreateMultipartUpload when the upload completes, and lib-storage's tags", async () => {
    const c = client();
    const { UploadId } = await c.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "mp.csv", Tagging: "kind=multipart" }));
    const part = await c.send(new UploadPartCommand({ Bucket: BUCKET, Key: "mp.csv", UploadId, PartNumber: 1, Body: "data" }));
    await c.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: "mp.csv", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag! }] } }));
    expect(await tagsOf("mp.csv")).toEqual([{ Key: "kind", Value: "multipart" }]);

    await new Upload({ client: c, params: { Bucket: BUCKET, Key: "lib.csv", Body: "small" }, tags: [{ Key: "via", Value: "lib-storage" }] }).done();
    expect(await tagsOf("lib.csv")).toEqual([{ Key: "via", Value: "lib-storage" }]);
  });

  it("echoes server-side-encryption headers on PUT, multipart and HEAD", async () => {
    const c = client();
    const put = await c.send(new PutObjectCommand({ Bucket: BUCKET, Key: "sse.csv", Body: "x", ServerSideEncryption: "aws:kms", SSEKMSKeyId: "arn:aws:kms:us-east-1:210987654321:key/abc" }));
    expect(put.ServerSideEncryption).toBe("aws:kms");
    expect(put.SSEKMSKeyId).toBe("arn:aws:kms:us-east-1:210987654321:key/abc");
    const head = await c.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "sse.csv" }));
    expect(head.ServerSideEncryption).toBe("aws:kms");
    const created = await c.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "sse-mp.csv", ServerSideEncryption: "AES256" }));
    expect(created.ServerSideEncryption).toBe("AES256");
    const part = await c.send(new UploadPartCommand({ Bucket: BUCKET, Key: "sse-mp.csv", UploadId: created.UploadId, PartNumber: 1, Body: "d" }));
    expect(part.ServerSideEncryption).toBe("AES256");
    const done = await c.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: "sse-mp.csv", UploadId: created.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag! }] } }));
    expect(done.ServerSideEncryption).toBe("AES256");
    const plain = await c.send(new PutObjectCommand({ Bucket: BUCKET, Key: "plain.csv", Body: "x" }));
    expect(plain.ServerSideEncryption).toBeUndefined();
  });

  it.each(["UPPER", "a", "two..dots", "192.168.0.1", "xn--punycode", "ends-", "under_score"])("refuses bucket name %s with InvalidBucketName", async (name) => {
    const error = await caught(client().send(new PutObjectCommand({ Bucket: name, Key: "k", Body: "x" })));
    expect(error.name).toBe("InvalidBucketName");
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });

  it("creates buckets with valid names and answers NoSuchBucket for absent ones", async () => {
    await client().send(new CreateBucketCommand({ Bucket: "fresh.bucket-1" }));
    await client().send(new PutObjectCommand({ Bucket: "fresh.bucket-1", Key: "k", Body: "x" }));
    const error = await caught(client().send(new PutObjectCommand({ Bucket: "never-created", Key: "k", Body: "x" })));
    expect(error.name).toBe("NoSuchBucket");
  });
});

describe("S3 front: access point aliases", () => {
  it("serves a bucket through its access point alias, signed for the alias, under the bucket's grants", async () => {
    s3.createAccessPoint("exports-ap-1a2b3c4d5e6f7g8h9i0j1k2l3m4n5o-s3alias", BUCKET);
    const viaAlias = "exports-ap-1a2b3c4d5e6f7g8h9i0j1k2l3m4n5o-s3alias";
    await client().send(new PutObjectCommand({ Bucket: viaAlias, Key: "through-alias.txt", Body: "hello" }));
    const read = await client().send(new GetObjectCommand({ Bucket: BUCKET, Key: "through-alias.txt" }));
    expect(await read.Body!.transformToString()).toBe("hello");
    const writer = identities.createUser("alias-writer", [{ actions: ["s3:PutObject"], resource: `${BUCKET}/allowed/*` }]);
    const limited = s3Client(s3.endpoint, creds(writer));
    await limited.send(new PutObjectCommand({ Bucket: viaAlias, Key: "allowed/x.txt", Body: "x" }));
    expect((await caught(limited.send(new PutObjectCommand({ Bucket: viaAlias, Key: "elsewhere/x.txt", Body: "x" })))).name).toBe("AccessDenied");
  });
});
