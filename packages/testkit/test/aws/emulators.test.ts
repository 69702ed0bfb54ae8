import { afterAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HeadBucketCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import { startEmulators, writeConveyorConfig, type RunningEmulators } from "../../src/index.js";
import { caught, s3Client } from "./helpers.js";

const INFO_KEYS = [
  "s3_endpoint", "sts_endpoint", "region", "bucket", "platform_role_arn", "customer_role_arn", "external_id",
  "access_key_id", "secret_access_key", "admin_access_key_id", "admin_secret_access_key", "data_dir",
];

describe("startEmulators: the ready-made scenario", () => {
  let emulators: RunningEmulators | undefined;
  const dirs: string[] = [];
  afterAll(async () => {
    await emulators?.close();
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it("host → platform role → customer role (External ID) writes; the admin lists; close() stops everything", async () => {
    emulators = await startEmulators();
    const { info } = emulators;
    expect(Object.keys(info).sort()).toEqual([...INFO_KEYS].sort());
    const sts = { endpoint: info.sts_endpoint, region: info.region };
    const host = { accessKeyId: info.access_key_id, secretAccessKey: info.secret_access_key };
    const platform = fromTemporaryCredentials({ masterCredentials: host, params: { RoleArn: info.platform_role_arn }, clientConfig: sts });
    const customer = fromTemporaryCredentials({
      masterCredentials: platform,
      params: { RoleArn: info.customer_role_arn, ExternalId: info.external_id, DurationSeconds: 3600 },
      clientConfig: sts,
    });
    await s3Client(info.s3_endpoint, customer).send(new PutObjectCommand({ Bucket: info.bucket, Key: "any/prefix/file.csv", Body: "id\n1\n" }));

    // The host's own keys and the platform role may not write to the customer's bucket.
    for (const credentials of [host, platform]) {
      const denied = await caught(s3Client(info.s3_endpoint, credentials).send(new PutObjectCommand({ Bucket: info.bucket, Key: "x", Body: "x" })));
      expect(denied.name).toBe("AccessDenied");
    }
    const wrongId = fromTemporaryCredentials({ masterCredentials: platform, params: { RoleArn: info.customer_role_arn, ExternalId: "not-the-id" }, clientConfig: sts });
    expect((await caught(s3Client(info.s3_endpoint, wrongId).send(new HeadBucketCommand({ Bucket: info.bucket })))).name).toBe("AccessDenied");

    const admin = s3Client(info.s3_endpoint, { accessKeyId: info.admin_access_key_id, secretAccessKey: info.admin_secret_access_key });
    const listed = await admin.send(new ListObjectsV2Command({ Bucket: info.bucket }));
    expect(listed.Contents?.map((c) => c.Key)).toEqual(["any/prefix/file.csv"]);

    const upstream = emulators.s3.upstreamEndpoint;
    await emulators.close();
    emulators = undefined;
    for (const url of [info.s3_endpoint, info.sts_endpoint, upstream]) await expect(fetch(url)).rejects.toThrow();
    expect(existsSync(info.data_dir)).toBe(false);
  });

  it("keeps a given data directory and writes conveyor.config.yaml with the platform settings", async () => {
    const dir = await mkdtemp(join(tmpdir(), "conveyor-emu-test-"));
    dirs.push(dir);
    emulators = await startEmulators({ dataDir: join(dir, "data"), externalId: "fixed-external-id" });
    const { info } = emulators;
    expect(info.data_dir).toBe(join(dir, "data"));
    expect(info.external_id).toBe("fixed-external-id");
    const path = join(dir, "conveyor.config.yaml");
    await writeConveyorConfig(path, info);
    const text = await readFile(path, "utf8");
    expect(text).toContain("platform:\n");
    const lines = Object.fromEntries(
      text.split("\n").filter((l) => l.startsWith("  ")).map((l) => {
        const [k, ...v] = l.trim().split(": ");
        return [k, JSON.parse(v.join(": "))];
      }),
    );
    expect(lines).toEqual({
      platform_role_arn: info.platform_role_arn,
      external_id: "fixed-external-id",
      aws_access_key_id: info.access_key_id,
      aws_secret_access_key: info.secret_access_key,
      aws_region: "us-east-1",
      sts_endpoint: info.sts_endpoint,
      s3_endpoint: info.s3_endpoint,
      s3_force_path_style: true,
    });
    await emulators.close();
    emulators = undefined;
    expect(existsSync(join(dir, "data"))).toBe(true);
  });
});
