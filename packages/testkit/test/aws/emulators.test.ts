import { afterAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { HeadBucketCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import { startEmulators, writeConveyorConfig, type RunningEmulators } from "../../src/index.js";
import { caught, s3Client } from "./helpers.js";

const INFO_KEYS = [
  "s3_endpoint", "sts_endpoint", "region", "bucket", "platform_role_arn", "customer_role_arn", "external_id",
  "access_key_id", "secret_access_key", "admin_access_key_id", "admin_secret_access_key", "data_dir",
  "amc_endpoint", "lwa_endpoint", "amc_instance_id", "amc_account_id", "advertiser_id", "lwa_client_id", "lwa_client_secret",
  "lwa_refresh_token", "amc_data_upload_account_id", "amc_bucket",
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
    for (const url of [info.s3_endpoint, info.sts_endpoint, upstream, info.amc_endpoint]) await expect(fetch(url)).rejects.toThrow();
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
    const [platformPart, connectionsPart] = text.split("connections:\n");
    const lines = Object.fromEntries(
      platformPart!.split("\n").filter((l) => l.startsWith("  ")).map((l) => {
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
      lwa_endpoint: `${info.amc_endpoint}/auth/o2/token`,
    });
    // The seed's `result_connection: new_amc_auth`, as a named connection (JSON scalars are YAML scalars).
    expect(connectionsPart).toBe([
      "  new_amc_auth:",
      '    type: "amazon_marketing_cloud"',
      `    lwa_client_id: ${JSON.stringify(info.lwa_client_id)}`,
      `    lwa_client_secret: ${JSON.stringify(info.lwa_client_secret)}`,
      `    lwa_refresh_token: ${JSON.stringify(info.lwa_refresh_token)}`,
      `    amc_endpoint: "${info.amc_endpoint}"`,
      `    amc_instance_id: "${info.amc_instance_id}"`,
      `    amc_account_id: "${info.amc_account_id}"`,
      '    marketplace_id: "ATVPDKIKX0DER"',
      "    s3_credential:",
      '      plugin: "aws-access-key"',
      "      settings:",
      `        access_key_id: "${info.access_key_id}"`,
      `        secret_access_key: ${JSON.stringify(info.secret_access_key)}`,
      '        bucket: "conveyor-amc-uploads"',
      `        endpoint: "${info.s3_endpoint}"`,
      "        force_path_style: true",
      '        region: "us-east-1"',
      "",
    ].join("\n"));
    await emulators.close();
    emulators = undefined;
    expect(existsSync(join(dir, "data"))).toBe(true);
  });

  it("the host's base credentials stage a tagged file in amc_bucket, and the emulated AMC ingests it", async () => {
    emulators = await startEmulators();
    const { info } = emulators;
    expect(info).toMatchObject({
      lwa_endpoint: `${info.amc_endpoint}/auth/o2/token`, amc_bucket: "conveyor-amc-uploads",
      amc_instance_id: expect.stringMatching(/^amc[a-z0-9]{8}$/), amc_account_id: expect.stringMatching(/^ENTITY/),
      amc_data_upload_account_id: expect.stringMatching(/^\d{12}$/), advertiser_id: expect.stringMatching(/^\d+$/),
    });
    const host = s3Client(info.s3_endpoint, { accessKeyId: info.access_key_id, secretAccessKey: info.secret_access_key });
    await host.send(new PutObjectCommand({
      Bucket: info.amc_bucket, Key: "amc/part-1.csv.gz", Body: gzipSync("email\n" + "a".repeat(64) + "\n"), Tagging: `instanceId=${info.amc_instance_id}`,
    }));
    const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: info.lwa_refresh_token, client_id: info.lwa_client_id, client_secret: info.lwa_client_secret });
    const { access_token } = (await (await fetch(info.lwa_endpoint, { method: "POST", body: form })).json()) as { access_token: string };
    const call = (path: string, body: unknown) => fetch(`${info.amc_endpoint}/amc/advertiserData/${info.amc_instance_id}${path}`, {
      method: "POST", body: JSON.stringify(body),
      headers: {
        authorization: `Bearer ${access_token}`, "content-type": "application/json", "amazon-advertising-api-clientid": info.lwa_client_id,
        "amazon-advertising-api-advertiserid": info.amc_account_id, "amazon-advertising-api-marketplaceid": "ATVPDKIKX0DER",
      },
    });
    const columns = [{ name: "email", columnType: "DIMENSION", dataType: "STRING", externalUserIdType: { hashedPii: "EMAIL" } }];
    expect((await call("/dataSets", { dataSet: { dataSetId: "emails", columns } })).status).toBe(200);
    const upload = await call("/uploads/emails", {
      updateStrategy: "ADDITIVE", compressionFormat: "GZIP", fileFormat: { csvDataFormat: {} },
      dataSource: { sourceS3Bucket: info.amc_bucket, sourceS3Prefix: "amc/" },
    });
    expect(upload.status).toBe(200);
    await emulators.amc.finishJobs();
    expect((await emulators.amc.uploads("emails"))[0]).toMatchObject({ status: "COMPLETED", metrics: { OutputRowCount: 1 } });
    expect(await emulators.amc.rows("emails")).toEqual([{ email: "a".repeat(64), user_id: expect.any(String) }]);
    await emulators.close();
    emulators = undefined;
  });
});
