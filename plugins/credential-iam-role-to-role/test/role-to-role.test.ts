import { Readable } from "node:stream";
import { ListObjectsV2Command, PutObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { createS3Client, objectsResource, s3Error, type AwsConnection } from "@conveyor/aws";
import {
  ConnectorError,
  createLogger,
  createRunContext,
  PluginHost,
  sleepFor,
  type ConnectionCheck,
  type Credential,
  type PluginContext,
} from "@conveyor/core";
import { emulatorAdminClient, emulatorPlatform as platformOf, roleFromPolicies, startEmulators, type RunningEmulators } from "@conveyor/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import plugin, { RoleToRoleCredential } from "../src/index.js";

let emulators: RunningEmulators;
beforeAll(async () => {
  emulators = await startEmulators({ externalId: "tenant-42:conveyor/ExternalId-0123456789" });
});
afterAll(() => emulators?.close());

const CUSTOMER_ACCOUNT = "210987654321";
const role = (name: string) => `arn:aws:iam::${CUSTOMER_ACCOUNT}:role/${name}`;

/** Everything that leaves the plugin — log lines, checks, error messages — for the secret scan. */
const logLines: string[] = [];
const emitted: string[] = [];
/** Secrets met along the way (base keys, issued sessions, the External ID). */
const secrets = new Set<string>();
const logger = createLogger({ level: "debug", destination: { write: (line: string) => void logLines.push(line) } });

function settingsFor(targetRoleArn = emulators.info.customer_role_arn, extra: Record<string, unknown> = {}) {
  return { target_role_arn: targetRoleArn, bucket: emulators.info.bucket, probe_prefix: "exports/", ...extra };
}

async function make(settings: unknown, platform: Record<string, unknown> = {}): Promise<{ credential: RoleToRoleCredential; context: PluginContext }> {
  const host = new PluginHost({ platform: { ...platformOf(emulators.info), ...platform }, logger });
  host.add(plugin, "test");
  const credential = await host.create<RoleToRoleCredential>("credential", plugin.id, settings, { path: "credential.settings" });
  // The run's clock follows the emulators' clock, so a test can jump past a session's expiry.
  const clock = { now: () => new Date(emulators.clock.now()), sleep: sleepFor };
  const context = createRunContext(host, { runId: "run-1", container: host.createRunContainer("run-1", { clock }) });
  return { credential, context };
}

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(ConnectorError.is(error), `a ConnectorError, got ${String(error)}`).toBe(true);
  emitted.push((error as Error).message, JSON.stringify((error as ConnectorError).toJSON()));
  return error as ConnectorError;
}

async function testChecks(credential: Credential, context: PluginContext): Promise<ConnectionCheck[]> {
  const checks = await credential.test(context);
  emitted.push(JSON.stringify(checks));
  return checks;
}

const admin = () => emulatorAdminClient(emulators.info);

const issuedFor = (roleArn: string) => emulators.sts.calls.filter((c) => c.roleArn === roleArn && c.outcome === "issued").length;

async function remember(connection: AwsConnection): Promise<void> {
  const identity = await connection.credentials();
  secrets.add(identity.secretAccessKey);
  if (identity.sessionToken) secrets.add(identity.sessionToken);
}

/** A body of `parts` × 5 MiB that calls `between(n)` before producing part n+1 (n ≥ 1). */
function partsBody(parts: number, between: (n: number) => void | Promise<void>): Readable {
  return Readable.from(
    (async function* () {
      for (let n = 1; n <= parts; n++) {
        if (n > 1) await between(n - 1);
        yield Buffer.alloc(5 * 1024 * 1024, n);
      }
    })(),
  );
}

describe("iam-role-to-role against the STS and S3 emulators", () => {
  it("chains base → platform role → target role with the External ID, and writes to the bucket", async () => {
    secrets.add(emulators.info.secret_access_key).add(emulators.info.external_id);
    const { credential, context } = await make(settingsFor());
    const connection = await credential.resolve(context);
    expect(connection).toMatchObject({ kind: "aws", bucket: "conveyor-exports", identity: emulators.info.customer_role_arn, forcePathStyle: true, region: "us-east-1" });
    await remember(connection);
    const last = emulators.sts.calls.at(-1)!;
    expect(last).toMatchObject({ roleArn: emulators.info.customer_role_arn, externalId: emulators.info.external_id, outcome: "issued" });
    expect(last.callerArn).toMatch(/^arn:aws:sts::123456789012:assumed-role\/conveyor-platform\//);
    // Chained: the session lasts at most one hour.
    const { expiration } = await connection.credentials();
    expect(expiration!.getTime() - emulators.clock.now()).toBeLessThanOrEqual(3600_000);
    await createS3Client(connection).send(new PutObjectCommand({ Bucket: "conveyor-exports", Key: "exports/a.csv", Body: "id\n1\n" }));
    // Cached: a second call makes no new STS call.
    const before = emulators.sts.calls.length;
    await connection.credentials();
    expect(emulators.sts.calls.length).toBe(before);
  });

  it("tests both hops, that the External ID is enforced, and probes the bucket under the prefix (then deletes the probe)", async () => {
    const { credential, context } = await make(settingsFor());
    const checks = await testChecks(credential, context);
    expect(checks.map((c) => [c.name, c.status])).toEqual([
      ["platform role", "ok"], ["target role", "ok"], ["external id required", "ok"], ["bucket write", "ok"], ["probe cleanup", "ok"],
    ]);
    expect(checks[3]!.message).toMatch(/^wrote s3:\/\/conveyor-exports\/exports\/\.conveyor-connection-test-/);
    const left = await admin().send(new ListObjectsV2Command({ Bucket: "conveyor-exports", Prefix: "exports/.conveyor-connection-test" }));
    expect(left.Contents ?? []).toEqual([]);
  });

  it("refuses a wrong External ID as Invalid credentials naming the role, not the ID", async () => {
    const { credential, context } = await make(settingsFor(), { external_id: "not-the-tenants-id" });
    const error = await failure(credential.resolve(context));
    expect(error.code).toBe("credentials.invalid");
    expect(error.category).toBe("needs-person");
    expect(error.message).toContain(emulators.info.customer_role_arn);
    expect(error.message).not.toContain("not-the-tenants-id");
    expect(error.action?.title).toBe("Invalid credentials");
    expect(error.action?.steps).toHaveLength(3);
    const checks = await testChecks(credential, context);
    expect(checks.map((c) => [c.name, c.status])).toEqual([["platform role", "ok"], ["target role", "failed"]]);
    expect(checks[1]!.error?.details).toMatchObject({ aws_code: "AccessDenied", role_arn: emulators.info.customer_role_arn });
  });

  it("refuses a host without an External ID before any network call, naming the platform setting", async () => {
    const calls = emulators.sts.calls.length;
    const error = await failure(make(settingsFor(), { external_id: undefined }));
    expect(error.code).toBe("settings.invalid");
    expect(error.message).toContain("platform.external_id");
    const malformed = await failure(make(settingsFor(), { external_id: "has spaces in it" }));
    expect(malformed.message).toContain("platform.external_id: may contain only letters, digits");
    expect(malformed.message).not.toContain("has spaces in it");
    expect(emulators.sts.calls.length).toBe(calls);
  });

  it("refuses a host without its base AWS credentials as Invalid credentials at validate, before any network call", async () => {
    const calls = emulators.sts.calls.length;
    const keyless = { aws_access_key_id: undefined, aws_secret_access_key: undefined, aws_session_token: undefined };
    const host = new PluginHost({ platform: { ...platformOf(emulators.info), ...keyless }, logger });
    host.add(plugin, "test");
    expect(await host.validate("credential", plugin.id, settingsFor(), "credential.settings")).toEqual([
      expect.objectContaining({
        path: "platform.aws_access_key_id",
        severity: "error",
        code: "credentials.invalid",
        message: expect.stringContaining("unless aws_default_credentials: true"),
        action: expect.objectContaining({ kind: "fix-credentials", id: "credentials.invalid" }),
      }),
    ]);
    // Creating it (as a run does) is refused the same way, not met later as "STS could not be reached".
    const error = await failure(make(settingsFor(), keyless));
    expect(error).toMatchObject({ code: "credentials.invalid", action: { kind: "fix-credentials" } });
    expect(emulators.sts.calls.length).toBe(calls);
    // The SDK's default chain is the host's explicit choice.
    const chosen = new PluginHost({ platform: { ...platformOf(emulators.info), ...keyless, aws_default_credentials: true }, logger });
    chosen.add(plugin, "test");
    expect(await chosen.validate("credential", plugin.id, settingsFor(), "credential.settings")).toEqual([]);
  });

  it("warns when the target role can be assumed without the External ID (confused deputy)", async () => {
    const lax = role("lax-no-external-id");
    emulators.identities.addRole(roleFromPolicies({
      arn: lax,
      trustPolicy: { Statement: [{ Effect: "Allow", Principal: { AWS: emulators.info.platform_role_arn }, Action: "sts:AssumeRole" }] },
      permissionPolicies: [{ Statement: [{ Effect: "Allow", Action: ["s3:PutObject", "s3:DeleteObject"], Resource: "arn:aws:s3:::conveyor-exports/*" }] }],
    }));
    const { credential, context } = await make(settingsFor(lax));
    const checks = await testChecks(credential, context);
    const check = checks.find((c) => c.name === "external id required")!;
    expect(check.status).toBe("warning");
    expect(check.message).toContain("lacks the sts:ExternalId condition");
    expect(checks.filter((c) => c.status === "failed")).toEqual([]);
  });

  it("refuses a role that trusts someone else", async () => {
    const other = role("trusts-someone-else");
    emulators.identities.addRole(roleFromPolicies({
      arn: other,
      trustPolicy: { Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::999999999999:role/another-vendor" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": emulators.info.external_id } } }] },
    }));
    const { credential, context } = await make(settingsFor(other));
    const error = await failure(credential.resolve(context));
    expect(error.code).toBe("credentials.invalid");
    expect(error.message).toContain(other);
    expect(error.details).toMatchObject({ aws_code: "AccessDenied" });
  });

  it("refuses expired base keys", async () => {
    const session = emulators.identities.issueSession(emulators.identities.getRole(emulators.info.platform_role_arn)!, "expired-base", 900);
    session.expiresAt = emulators.clock.now() - 1_000;
    secrets.add(session.secretAccessKey).add(session.sessionToken!);
    const { credential, context } = await make(settingsFor(), {
      aws_access_key_id: session.accessKeyId, aws_secret_access_key: session.secretAccessKey, aws_session_token: session.sessionToken,
    });
    const error = await failure(credential.resolve(context));
    expect(error.code).toBe("credentials.invalid");
    expect(error.details).toMatchObject({ aws_code: "ExpiredToken", role_arn: emulators.info.platform_role_arn });
    expect(error.message).toContain("the session credentials have expired");
    const checks = await testChecks(credential, context);
    expect(checks.map((c) => [c.name, c.status])).toEqual([["platform role", "failed"]]);
  });

  it("refuses a bad signature (wrong secret key)", async () => {
    const wrong = "wrongSecretKey/0123456789abcdefghijklmnopqrstu";
    secrets.add(wrong);
    const { credential, context } = await make(settingsFor(), { aws_secret_access_key: wrong });
    const error = await failure(credential.resolve(context));
    expect(error.code).toBe("credentials.invalid");
    expect(error.details).toMatchObject({ aws_code: "SignatureDoesNotMatch" });
  });

  it("refreshes both hops before expiry, so a multipart upload outliving one session completes", async () => {
    const { credential, context } = await make(settingsFor());
    const connection = await credential.resolve(context);
    await remember(connection);
    const issued = issuedFor(emulators.info.customer_role_arn);
    const upload = new Upload({
      client: createS3Client(connection),
      queueSize: 1,
      partSize: 5 * 1024 * 1024,
      // Past the one-hour chained session (and the platform session) between parts.
      params: { Bucket: "conveyor-exports", Key: "exports/long.bin", Body: partsBody(3, (n) => void (n === 1 && emulators.clock.advance(3_700_000))) },
    });
    await upload.done();
    expect(issuedFor(emulators.info.customer_role_arn)).toBe(issued + 1);
    const head = await admin().send(new HeadObjectCommand({ Bucket: "conveyor-exports", Key: "exports/long.bin" }));
    expect(head.ContentLength).toBe(15 * 1024 * 1024);
    await remember(connection);
  });

  it("surfaces permissions revoked mid-upload promptly as s3.access-denied", async () => {
    const arn = emulators.info.customer_role_arn;
    const grants = emulators.identities.getRole(arn)!.grants;
    const { credential, context } = await make(settingsFor());
    const connection = await credential.resolve(context);
    const started = Date.now();
    const upload = new Upload({
      client: createS3Client(connection), queueSize: 1, partSize: 5 * 1024 * 1024,
      params: { Bucket: "conveyor-exports", Key: "exports/revoked.bin", Body: partsBody(3, (n) => void (n === 1 && emulators.identities.setRoleGrants(arn, []))) },
    });
    try {
      const raw = await upload.done().then(() => undefined, (e: unknown) => e);
      const error = s3Error(raw, { bucket: "conveyor-exports", operation: "uploading exports/revoked.bin", actions: ["s3:PutObject"], resource: objectsResource("conveyor-exports", "exports/"), identity: arn });
      emitted.push(JSON.stringify(error.toJSON()));
      expect(error.code).toBe("s3.access-denied");
      expect(error.action?.title).toBe("Invalid permissions");
      expect(error.message).toContain("s3:PutObject on arn:aws:s3:::conveyor-exports/exports/*");
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      emulators.identities.setRoleGrants(arn, grants);
    }
  });

  it("surfaces a trust revoked mid-upload promptly as credentials.invalid at the next refresh", async () => {
    const arn = emulators.info.customer_role_arn;
    const original = emulators.identities.getRole(arn)!;
    const { credential, context } = await make(settingsFor());
    const connection = await credential.resolve(context);
    const started = Date.now();
    const upload = new Upload({
      client: createS3Client(connection), queueSize: 1, partSize: 5 * 1024 * 1024,
      params: {
        Bucket: "conveyor-exports", Key: "exports/untrusted.bin",
        Body: partsBody(3, (n) => {
          if (n !== 1) return;
          emulators.identities.addRole({ ...original, trust: { principals: ["arn:aws:iam::999999999999:root"] } });
          emulators.clock.advance(3_700_000);
        }),
      },
    });
    try {
      const error = await failure(upload.done());
      expect(error.code).toBe("credentials.invalid");
      expect(error.message).toContain(arn);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      emulators.identities.addRole(original);
    }
  });

  it("prints trust and permission policies the emulator's policy model accepts and enforces", async () => {
    const { credential } = await make(settingsFor(role("from-printed-policies"), { probe_prefix: "tenant-a/" }));
    const printed = await credential.policies({ prefix: "tenant-a/" });
    const json = JSON.parse(JSON.stringify(printed)) as typeof printed;
    expect(json.trustPolicy).toEqual({
      Version: "2012-10-17",
      Statement: [{
        Sid: "AllowConveyorAccess", Effect: "Allow", Principal: { AWS: emulators.info.platform_role_arn }, Action: "sts:AssumeRole",
        Condition: { StringEquals: { "sts:ExternalId": emulators.info.external_id } },
      }],
    });
    expect(json.permissionPolicy.Statement[0]).toMatchObject({
      Action: ["s3:PutObject", "s3:AbortMultipartUpload", "s3:PutObjectTagging", "s3:DeleteObject"],
      Resource: "arn:aws:s3:::conveyor-exports/tenant-a/*",
    });
    emulators.identities.addRole(roleFromPolicies({ arn: role("from-printed-policies"), trustPolicy: json.trustPolicy!, permissionPolicies: [json.permissionPolicy] }));

    const { credential: fresh, context } = await make(settingsFor(role("from-printed-policies"), { probe_prefix: "tenant-a/" }));
    const checks = await testChecks(fresh, context);
    expect(checks.filter((c) => c.status !== "ok")).toEqual([]);
    const client = createS3Client(await fresh.resolve(context));
    await client.send(new PutObjectCommand({ Bucket: "conveyor-exports", Key: "tenant-a/file.csv", Body: "x" }));
    const outside = await client.send(new PutObjectCommand({ Bucket: "conveyor-exports", Key: "tenant-b/file.csv", Body: "x" })).then(() => undefined, (e: { name?: string }) => e);
    expect(outside?.name).toBe("AccessDenied");
  });

  it("leaves s3:DeleteObject out of the policy, and the probe undeleted, when probe cleanup is off", async () => {
    const arn = role("no-cleanup");
    const settings = settingsFor(arn, { probe_prefix: "tenant-c/", probe_cleanup: false });
    const { credential } = await make(settings);
    const printed = await credential.policies({});
    expect(printed.permissionPolicy.Statement[0]!.Action).toEqual(["s3:PutObject", "s3:AbortMultipartUpload", "s3:PutObjectTagging"]);
    emulators.identities.addRole(roleFromPolicies({ arn, trustPolicy: printed.trustPolicy!, permissionPolicies: [printed.permissionPolicy] }));
    const { credential: fresh, context } = await make(settings);
    const checks = await testChecks(fresh, context);
    expect(checks.map((c) => [c.name, c.status])).toEqual([["platform role", "ok"], ["target role", "ok"], ["external id required", "ok"], ["bucket write", "ok"]]);
  });

  it("reports a probe it cannot delete as a warning, and a bucket that does not exist as Invalid bucket name", async () => {
    const arn = role("write-only");
    emulators.identities.addRole(roleFromPolicies({
      arn,
      trustPolicy: (await (await make(settingsFor(arn))).credential.policies({})).trustPolicy!,
      permissionPolicies: [{ Statement: [{ Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::*" }] }],
    }));
    const { credential, context } = await make(settingsFor(arn));
    const checks = await testChecks(credential, context);
    expect(checks.at(-1)).toMatchObject({ name: "probe cleanup", status: "warning", error: { code: "s3.access-denied" } });

    const { credential: missing, context: c2 } = await make(settingsFor(arn, { bucket: "no-such-bucket-here" }));
    const bad = (await testChecks(missing, c2)).find((c) => c.name === "bucket write")!;
    expect(bad.status).toBe("failed");
    expect(bad.error?.code).toBe("s3.invalid-bucket-name");
    expect(bad.error?.action?.steps).toHaveLength(4);
  });

  it("never puts a secret (secret key, session token, External ID) in a log line, check or error", () => {
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join("\n")).toContain("assumed the target role");
    const text = [...logLines, ...emitted].join("\n");
    expect(secrets.size).toBeGreaterThan(6);
    for (const secret of secrets) expect(text, "a secret leaked").not.toContain(secret);
  });
});
