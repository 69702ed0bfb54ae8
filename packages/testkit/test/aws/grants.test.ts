import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "node:http";
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import {
  IdentityStore,
  grantsFromPolicy,
  isAllowed,
  isTrusted,
  startS3Emulator,
  trustFromPolicy,
  type S3Emulator,
} from "../../src/index.js";
import { caught, creds, s3Client } from "./helpers.js";

describe("policy model", () => {
  it("matches actions case-insensitively and resources with * and ? wildcards", () => {
    const grants = [{ actions: ["s3:Put*"], resource: "b/exports/2024-??/*" }];
    expect(isAllowed(grants, "s3:putobject", "b/exports/2024-05/x.csv")).toBe(true);
    expect(isAllowed(grants, "s3:PutObject", "b/exports/2024-5/x.csv")).toBe(false);
    expect(isAllowed(grants, "s3:GetObject", "b/exports/2024-05/x.csv")).toBe(false);
    expect(isAllowed(grants, "s3:PutObject", "B/exports/2024-05/x.csv")).toBe(false);
  });

  it("reads IAM permission policies; an explicit Deny wins", () => {
    const grants = grantsFromPolicy(JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: "s3:*", Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"] },
        { Effect: "Deny", Action: ["s3:DeleteObject"], Resource: "arn:aws:s3:::b/keep/*" },
      ],
    }));
    expect(isAllowed(grants, "s3:ListBucket", "b")).toBe(true);
    expect(isAllowed(grants, "s3:DeleteObject", "b/tmp/x")).toBe(true);
    expect(isAllowed(grants, "s3:DeleteObject", "b/keep/x")).toBe(false);
    expect(() => grantsFromPolicy({ Statement: [{ Effect: "Allow", NotAction: "s3:*", Resource: "*" }] })).toThrow(/NotAction/);
  });

  it("reads IAM trust policies: principals, External ID, account root", () => {
    const trust = trustFromPolicy({
      Statement: [{ Sid: "AllowConveyorAccess", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/p" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": "ext" } } }],
    });
    expect(trust).toEqual({ principals: ["arn:aws:iam::111111111111:role/p"], externalId: ["ext"] });
    expect(isTrusted(trust, ["arn:aws:sts::111111111111:assumed-role/p/s", "arn:aws:iam::111111111111:role/p"], "ext")).toBe(true);
    expect(isTrusted(trust, ["arn:aws:iam::111111111111:role/p"], "other")).toBe(false);
    expect(isTrusted(trust, ["arn:aws:iam::111111111111:role/q"], "ext")).toBe(false);
    const account = trustFromPolicy({ Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::222222222222:root" }, Action: "sts:AssumeRole" }] });
    expect(isTrusted(account, ["arn:aws:iam::222222222222:user/anyone"], undefined)).toBe(true);
    expect(isTrusted(account, ["arn:aws:iam::333333333333:user/anyone"], undefined)).toBe(false);
    expect(() => trustFromPolicy({ Statement: [{ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole", Condition: { StringLike: { "aws:x": "y" } } }] })).toThrow(/not supported/);
  });
});

describe("S3 front: grants", () => {
  const identities = new IdentityStore();
  const admin = identities.createUser("admin", [{ actions: ["s3:*"], resource: "*" }]);
  const writer = identities.createUser("writer", [{ actions: ["s3:PutObject"], resource: "grants/in/*" }]);
  const tagger = identities.createUser("tagger", [{ actions: ["s3:PutObject", "s3:PutObjectTagging"], resource: "grants/*" }]);
  let s3: S3Emulator;
  beforeAll(async () => {
    s3 = await startS3Emulator({ identities, buckets: ["grants"] });
  });
  afterAll(() => s3.close());

  it("allows exactly the granted actions on the granted prefix", async () => {
    const c = s3Client(s3.endpoint, creds(writer));
    await c.send(new PutObjectCommand({ Bucket: "grants", Key: "in/a.csv", Body: "x" }));
    for (const call of [
      () => c.send(new PutObjectCommand({ Bucket: "grants", Key: "out/a.csv", Body: "x" })),
      () => c.send(new GetObjectCommand({ Bucket: "grants", Key: "in/a.csv" })),
      () => c.send(new DeleteObjectCommand({ Bucket: "grants", Key: "in/a.csv" })),
      () => c.send(new ListObjectsV2Command({ Bucket: "grants" })),
    ]) {
      const error = await caught(call());
      expect(error.name).toBe("AccessDenied");
      expect(error.$metadata?.httpStatusCode).toBe(403);
    }
  });

  it("answers a bare 403 to HeadBucket without s3:ListBucket", async () => {
    const res = await caught(s3Client(s3.endpoint, creds(writer)).send(new HeadBucketCommand({ Bucket: "grants" })));
    expect(res.$metadata?.httpStatusCode).toBe(403);
    expect(res.Code).toBeUndefined(); // no body, so no error code
    await s3Client(s3.endpoint, creds(admin)).send(new HeadBucketCommand({ Bucket: "grants" }));
  });

  it("answers 404 NoSuchBucket for a missing bucket before looking at grants, as AWS does", async () => {
    const c = s3Client(s3.endpoint, creds(writer)); // no grant at all on the typo'd bucket
    const put = await caught(c.send(new PutObjectCommand({ Bucket: "grantz", Key: "in/a.csv", Body: "x" })));
    expect(put.name).toBe("NoSuchBucket");
    expect(put.$metadata?.httpStatusCode).toBe(404);
    expect((await caught(c.send(new HeadBucketCommand({ Bucket: "grantz" })))).$metadata?.httpStatusCode).toBe(404);
    // An existing bucket still answers AccessDenied to the same caller.
    expect((await caught(c.send(new HeadBucketCommand({ Bucket: "grants" })))).$metadata?.httpStatusCode).toBe(403);
  });

  it("needs s3:PutObjectTagging to write an object with tags", async () => {
    const denied = await caught(s3Client(s3.endpoint, creds(writer)).send(new PutObjectCommand({ Bucket: "grants", Key: "in/t.csv", Body: "x", Tagging: "a=b" })));
    expect(denied.name).toBe("AccessDenied");
    await s3Client(s3.endpoint, creds(tagger)).send(new PutObjectCommand({ Bucket: "grants", Key: "in/t.csv", Body: "x", Tagging: "a=b" }));
  });

  it("follows a role's grants as they change (revocation)", async () => {
    identities.addRole({ arn: "arn:aws:iam::123456789012:role/r", trust: { principals: ["*"] }, grants: [{ actions: ["s3:PutObject"], resource: "grants/*" }] });
    const role = identities.getRole("arn:aws:iam::123456789012:role/r")!;
    const session = identities.issueSession(role, "s", 3600);
    const c = s3Client(s3.endpoint, creds(session));
    await c.send(new PutObjectCommand({ Bucket: "grants", Key: "r.csv", Body: "x" }));
    identities.setRoleGrants(role.arn, []);
    expect((await caught(c.send(new PutObjectCommand({ Bucket: "grants", Key: "r.csv", Body: "x" })))).name).toBe("AccessDenied");
  });
});

describe("S3 front: Expect: 100-continue", () => {
  const identities = new IdentityStore();
  const reader = identities.createUser("reader", [{ actions: ["s3:GetObject"], resource: "*" }]);
  let s3: S3Emulator;
  beforeAll(async () => {
    s3 = await startS3Emulator({ identities, buckets: ["expect"] });
  });
  afterAll(() => s3.close());

  it("refuses a denied upload before its body is sent, and takes an allowed one", async () => {
    const send = async (user: typeof reader) => {
      const headers = { host: `127.0.0.1:${s3.port}`, "x-amz-content-sha256": "UNSIGNED-PAYLOAD", "content-length": "5", expect: "100-continue" };
      const signed = await new SignatureV4({ credentials: creds(user), region: "us-east-1", service: "s3", sha256: Sha256, uriEscapePath: false })
        .sign({ method: "PUT", protocol: "http:", hostname: "127.0.0.1", path: "/expect/k", query: {}, headers });
      return new Promise<{ status: number; continued: boolean }>((resolve, reject) => {
        let continued = false;
        const req = request({ host: "127.0.0.1", port: s3.port, method: "PUT", path: "/expect/k", headers: signed.headers });
        req.on("continue", () => {
          continued = true;
          req.end("hello");
        });
        req.on("response", (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode ?? 0, continued }));
        });
        req.on("error", reject);
        req.flushHeaders();
      });
    };
    expect(await send(reader)).toEqual({ status: 403, continued: false });
    const writer = identities.createUser("writer", [{ actions: ["s3:PutObject"], resource: "*" }]);
    expect(await send(writer)).toEqual({ status: 200, continued: true });
  });
});
