import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { createS3Client, type AwsConnection } from "../src/index.js";
import { ConnectorError } from "@conveyor/core";
import { startS3Emulator, type S3Emulator } from "@conveyor/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uploadObject, type ObjectTarget, type UploadOptions } from "../src/multipart-upload.js";

const MiB = 1024 * 1024;
const BUCKET = "uploads";
let s3: S3Emulator;
let writer: AwsConnection;
let admin: AwsConnection;

function connection(key: { accessKeyId: string; secretAccessKey: string }): AwsConnection {
  return {
    kind: "aws",
    credentials: async () => ({ accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey }),
    region: "us-east-1",
    s3Endpoint: s3.endpoint,
    forcePathStyle: true,
    identity: key.accessKeyId,
  };
}

beforeAll(async () => {
  s3 = await startS3Emulator({ buckets: [BUCKET] });
  const user = s3.identities.createUser("writer", [
    { actions: ["s3:PutObject", "s3:AbortMultipartUpload", "s3:PutObjectTagging"], resource: `${BUCKET}/exports/*` },
  ]);
  const root = s3.identities.createUser("admin", [{ actions: ["s3:*"], resource: "*" }]);
  writer = connection(user);
  admin = connection(root);
});
afterAll(async () => s3?.close());

const options = (extra: Partial<UploadOptions> = {}): UploadOptions => ({
  client: createS3Client(writer),
  concurrency: 3,
  retryPolicy: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 },
  prefix: "exports/",
  partSizeOf: () => 5 * MiB,
  ...extra,
});

const target = (key: string, extra: Partial<ObjectTarget> = {}): ObjectTarget => ({ bucket: BUCKET, key, contentType: "text/csv", ...extra });

/** Body in small chunks, as a formatter produces it. */
function body(bytes: Buffer): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 64 * 1024) chunks.push(bytes.subarray(i, i + 64 * 1024));
  return Readable.from(chunks);
}

async function read(key: string): Promise<Buffer> {
  const out = await createS3Client(admin).send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

async function keys(prefix: string): Promise<string[]> {
  const out = await createS3Client(admin).send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!);
}

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

describe("uploadObject", () => {
  it("sends a small object in one PutObject and reports its size and SHA-256", async () => {
    const bytes = Buffer.from("id,name\n1,Ada\n");
    const written = await uploadObject(body(bytes), target("exports/small.csv"), options());
    expect(written).toEqual({ key: "exports/small.csv", size: bytes.length, sha256: sha256(bytes) });
    expect((await read("exports/small.csv")).equals(bytes)).toBe(true);
  });

  it("sends a large object as a multipart upload with parts in parallel, byte for byte", async () => {
    const bytes = randomBytes(13 * MiB);
    const written = await uploadObject(body(bytes), target("exports/large.bin"), options());
    expect(written.sha256).toBe(sha256(bytes));
    expect((await read("exports/large.bin")).equals(bytes)).toBe(true);
    expect(s3.pendingMultipartUploads(BUCKET)).toEqual([]);
  });

  it("retries each request through injected faults and still writes identical bytes", async () => {
    const bytes = randomBytes(12 * MiB);
    const before = s3.faults.injected.length;
    s3.faults.inject({ type: "slow-down", operation: "UploadPart", times: 2 });
    s3.faults.inject({ type: "internal-error", operation: "CompleteMultipartUpload", times: 1 });
    const retried: string[] = [];
    await uploadObject(body(bytes), target("exports/faulty.bin"), options({ onRetry: ({ operation }) => retried.push(operation) }));
    expect(s3.faults.injected.length - before).toBe(3);
    expect(retried.filter((o) => o.startsWith("UploadPart"))).toHaveLength(2);
    expect(retried).toContain("CompleteMultipartUpload");
    expect((await read("exports/faulty.bin")).equals(bytes)).toBe(true);
  });

  it("survives a connection reset in the middle of a part", async () => {
    const bytes = randomBytes(11 * MiB);
    const before = s3.faults.injected.length;
    s3.faults.inject({ type: "reset", operation: "UploadPart", times: 1, afterBytes: 64 * 1024 });
    const retried: string[] = [];
    await uploadObject(body(bytes), target("exports/reset.bin"), options({ onRetry: ({ operation }) => retried.push(operation) }));
    expect(s3.faults.injected.slice(before).map((f) => f.type)).toEqual(["reset"]);
    expect(retried.filter((o) => o.startsWith("UploadPart"))).toHaveLength(1);
    expect((await read("exports/reset.bin")).equals(bytes)).toBe(true);
  });

  it("aborts a failed upload: no pending parts, no visible object, s3.transient after retries", async () => {
    s3.faults.inject({ type: "slow-down", operation: "UploadPart", times: "always" });
    try {
      const error = await uploadObject(body(randomBytes(11 * MiB)), target("exports/never.bin"), options()).catch((e: unknown) => e);
      expect((error as ConnectorError).code).toBe("s3.transient");
      expect((error as ConnectorError).category).toBe("transient");
    } finally {
      s3.faults.clear();
    }
    expect(s3.pendingMultipartUploads(BUCKET)).toEqual([]);
    expect(await keys("exports/never")).toEqual([]);
  });

  it("passes the body's own error through and aborts", async () => {
    const failing = new Readable({
      read() {
        if (this.readableLength === 0 && !this.destroyed) this.push(randomBytes(6 * MiB));
      },
    });
    setTimeout(() => failing.destroy(new Error("formatter failed")), 50);
    await expect(uploadObject(failing, target("exports/broken.bin"), options())).rejects.toThrow("formatter failed");
    expect(s3.pendingMultipartUploads(BUCKET)).toEqual([]);
    expect(await keys("exports/broken")).toEqual([]);
  });

  it("maps AccessDenied to Invalid permissions naming the actions and resource", async () => {
    const error = await uploadObject(body(Buffer.from("x")), target("elsewhere/x.csv"), options({ prefix: "elsewhere/" })).catch((e: unknown) => e);
    expect((error as ConnectorError).code).toBe("s3.access-denied");
    expect((error as ConnectorError).action?.title).toBe("Invalid permissions");
    expect((error as ConnectorError).action?.steps.join(" ")).toContain("s3:PutObject, s3:AbortMultipartUpload on arn:aws:s3:::uploads/elsewhere/*");
  });

  it("sets object tags and server-side encryption as configured", async () => {
    await uploadObject(body(Buffer.from("tagged")), target("exports/tagged.csv", { tags: { instanceId: "amc123", team: "data" }, serverSideEncryption: { type: "AES256" } }), options());
    const client = createS3Client(admin);
    const tags = await client.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: "exports/tagged.csv" }));
    expect(tags.TagSet).toEqual(expect.arrayContaining([{ Key: "instanceId", Value: "amc123" }, { Key: "team", Value: "data" }]));
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "exports/tagged.csv" }));
    expect(head.ServerSideEncryption).toBe("AES256");
  });
});
