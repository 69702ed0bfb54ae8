import awsCredentials from "@conveyor/credential-aws";
import { createRunContext, PluginHost, type ConnectorPlugin, type Credential, type Destination } from "@conveyor/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import s3 from "../src/index.js";
import { BUCKET, listKeys, startWorld, type S3World } from "./harness.js";

let world: S3World;
beforeAll(async () => void (world = await startWorld()));
afterAll(async () => world?.close());

/** The destination's connection test with the real aws-access-key credential for a user allowed under `allowed`. */
async function connectionTest(prefix: string, allowed: string) {
  const user = world.s3.identities.createUser(`probe-${allowed.replace(/\W/g, "")}`, [{ actions: ["s3:PutObject", "s3:DeleteObject"], resource: `${BUCKET}/${allowed}*` }]);
  const host = new PluginHost();
  for (const p of [s3, ...[awsCredentials].flat()] as ConnectorPlugin[]) host.add(p, "test");
  const container = host.createRunContainer("connection-test");
  const credential = await host.create<Credential>("credential", "aws-access-key", {
    access_key_id: user.accessKeyId,
    secret_access_key: user.secretAccessKey,
    bucket: BUCKET,
    endpoint: world.s3.endpoint,
    force_path_style: true,
    region: "us-east-1",
  }, { parent: container });
  const destination = await host.create<Destination>("destination", "amazon-s3", { prefix, format: "csv" }, { parent: container });
  return destination.test(createRunContext(host, { runId: "connection-test", container, credential }));
}

describe("connection test", () => {
  it("writes and deletes its probe object under the destination's prefix, which is all the role may need", async () => {
    const checks = await connectionTest("exports/weekly", "exports/weekly/");
    expect(checks.filter((c) => c.status !== "ok")).toEqual([]);
    expect(checks.find((c) => c.name === "bucket write")?.message).toMatch(/^wrote s3:\/\/exports-bucket\/exports\/weekly\/\.conveyor-connection-test-/);
    expect(await listKeys(world, "exports/weekly/")).toEqual([]);
  });

  it("fails with Invalid permissions when the role may not write under the prefix", async () => {
    const checks = await connectionTest("exports/weekly", "elsewhere/");
    const failed = checks.find((c) => c.status === "failed");
    expect(failed?.error?.code).toBe("s3.access-denied");
    expect(failed?.error?.action?.title).toBe("Invalid permissions");
  });
});
