import { Readable } from "node:stream";
import { HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { createS3Client, type AwsConnection } from "@conveyor/aws";
import { ConnectorError, createLogger, createRunContext, PluginHost, sleepFor, type ConnectionCheck, type PluginContext } from "@conveyor/core";
import { emulatorAdminClient, emulatorPlatform as platformOf, roleFromPolicies, startEmulators, type RunningEmulators } from "@conveyor/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import plugins, { AccessKeyCredential, AssumeRoleCredential } from "../src/index.js";
import { DIRECT_EXTERNAL_ID, DIRECT_ROLE } from "./direct-role.js";

let emulators: RunningEmulators;
let hostArn: string;
const WRITER = { accessKeyId: "AKIATESTWRITER000001", secretAccessKey: "writer/Secret+Key0123456789abcdefghijkl" };
const writePolicy = { Statement: [{ Effect: "Allow" as const, Action: ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"], Resource: "arn:aws:s3:::conveyor-exports/*" }] };

beforeAll(async () => {
  emulators = await startEmulators();
  hostArn = emulators.identities.resolve(emulators.info.access_key_id)!.arn;
  emulators.identities.addUser({ ...WRITER, grants: [{ actions: ["s3:PutObject", "s3:DeleteObject"], resource: "conveyor-exports/*" }] });
  emulators.identities.addRole(roleFromPolicies({
    arn: DIRECT_ROLE,
    // The host user directly, and the platform role's sessions (for the chained case).
    trustPolicy: { Statement: [{ Effect: "Allow", Principal: { AWS: [hostArn, emulators.info.platform_role_arn] }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": DIRECT_EXTERNAL_ID } } }] },
    permissionPolicies: [writePolicy],
  }));
});
afterAll(() => emulators?.close());

const logLines: string[] = [];
const emitted: string[] = [];
const secrets = new Set<string>();
const logger = createLogger({ level: "debug", destination: { write: (line: string) => void logLines.push(line) } });

async function make<T>(id: string, settings: unknown, platform: Record<string, unknown> = {}): Promise<{ credential: T; context: PluginContext }> {
  const host = new PluginHost({ platform: { ...platformOf(emulators.info), ...platform }, logger });
  for (const p of plugins) host.add(p, "test");
  const credential = await host.create<T>("credential", id, settings, { path: "credential.settings" });
  const clock = { now: () => new Date(emulators.clock.now()), sleep: sleepFor };
  return { credential, context: createRunContext(host, { runId: "run-1", container: host.createRunContainer("run-1", { clock }) }) };
}

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(ConnectorError.is(error), `a ConnectorError, got ${String(error)}`).toBe(true);
  emitted.push((error as Error).message, JSON.stringify((error as ConnectorError).toJSON()));
  return error as ConnectorError;
}

async function checksOf(credential: { test(c: PluginContext): Promise<ConnectionCheck[]> }, context: PluginContext): Promise<ConnectionCheck[]> {
  const checks = await credential.test(context);
  emitted.push(JSON.stringify(checks));
  return checks;
}

async function remember(connection: AwsConnection): Promise<void> {
  const identity = await connection.credentials();
  secrets.add(identity.secretAccessKey);
  if (identity.sessionToken) secrets.add(identity.sessionToken);
}

const keys = (extra: Record<string, unknown> = {}) => ({ access_key_id: WRITER.accessKeyId, secret_access_key: WRITER.secretAccessKey, bucket: "conveyor-exports", ...extra });
const role = (extra: Record<string, unknown> = {}) => ({ account_id: "210987654321", role_name: "conveyor-direct", external_id: DIRECT_EXTERNAL_ID, bucket: "conveyor-exports", ...extra });

describe("aws-access-key", () => {
  it("resolves to its keys, checks who they are, and probes the bucket", async () => {
    secrets.add(WRITER.secretAccessKey).add(emulators.info.secret_access_key).add(DIRECT_EXTERNAL_ID);
    const { credential, context } = await make<AccessKeyCredential>("aws-access-key", keys());
    const connection = await credential.resolve();
    expect(connection).toMatchObject({ kind: "aws", identity: WRITER.accessKeyId, bucket: "conveyor-exports", s3Endpoint: emulators.info.s3_endpoint, region: "us-east-1" });
    await createS3Client(connection).send(new PutObjectCommand({ Bucket: "conveyor-exports", Key: "k/a.txt", Body: "a" }));
    const checks = await checksOf(credential, context);
    expect(checks.map((c) => [c.name, c.status])).toEqual([["access key", "ok"], ["bucket write", "ok"], ["probe cleanup", "ok"]]);
    expect(checks[0]!.message).toBe(`${WRITER.accessKeyId} is arn:aws:iam::123456789012:user/${WRITER.accessKeyId}`);
  });

  it.each([
    ["a bad signature", { secret_access_key: "wrong/Secret0123456789abcdefghijklmnopq" }, "SignatureDoesNotMatch"],
    ["an unknown key", { access_key_id: "AKIANOBODY0000000000" }, "InvalidClientTokenId"],
  ])("reports %s as Invalid credentials", async (_why, override, awsCode) => {
    if ("secret_access_key" in override) secrets.add(override.secret_access_key);
    const { credential, context } = await make<AccessKeyCredential>("aws-access-key", keys(override));
    const [check, ...rest] = await checksOf(credential, context);
    expect(rest).toEqual([]);
    expect(check).toMatchObject({ name: "access key", status: "failed", error: { code: "credentials.invalid", details: { aws_code: awsCode }, action: { title: "Invalid credentials" } } });
  });

  it("reports expired session keys as Invalid credentials", async () => {
    const session = emulators.identities.issueSession(emulators.identities.getRole(emulators.info.platform_role_arn)!, "expired", 900);
    session.expiresAt = emulators.clock.now() - 1;
    secrets.add(session.secretAccessKey).add(session.sessionToken!);
    const { credential, context } = await make<AccessKeyCredential>("aws-access-key", keys({ access_key_id: session.accessKeyId, secret_access_key: session.secretAccessKey, session_token: session.sessionToken, auth_method: "session" }));
    const [check] = await checksOf(credential, context);
    expect(check?.error).toMatchObject({ code: "credentials.invalid", details: { aws_code: "ExpiredToken" } });
  });

  it("reports keys without S3 permissions as Invalid permissions naming the action and resource", async () => {
    const { credential, context } = await make<AccessKeyCredential>("aws-access-key", keys({ access_key_id: emulators.info.access_key_id, secret_access_key: emulators.info.secret_access_key, probe_prefix: "exports/" }));
    const checks = await checksOf(credential, context);
    expect(checks.map((c) => [c.name, c.status])).toEqual([["access key", "ok"], ["bucket write", "failed"]]);
    expect(checks[1]!.error).toMatchObject({ code: "s3.access-denied", action: { title: "Invalid permissions" } });
    expect(checks[1]!.message).toContain("allow s3:PutObject on arn:aws:s3:::conveyor-exports/exports/*");
  });

  it("refuses anonymous, saying what to use instead", async () => {
    const error = await failure(make("aws-access-key", { auth_method: "anonymous" }));
    expect(error.code).toBe("settings.invalid");
    expect(error.message).toContain('credential.settings.auth_method: is "anonymous", which is not supported');
    expect(error.message).toMatch(/aws-access-key.*aws-assume-role.*iam-role-to-role/s);
    const misplaced = await failure(make("aws-access-key", keys({ auth_method: "assume_role" })));
    expect(misplaced.message).toContain("which the aws-assume-role credential plugin implements");
  });

  it("lets an endpoint host name win over the region, and takes full URLs for S3-compatible stores", async () => {
    const tokyo = await (await make<AccessKeyCredential>("aws-access-key", keys({ endpoint: "s3.ap-northeast-1.amazonaws.com", region: "eu-west-1" }))).credential.resolve();
    expect(tokyo).toMatchObject({ region: "ap-northeast-1", s3Endpoint: "https://s3.ap-northeast-1.amazonaws.com" });
    const minio = await (await make<AccessKeyCredential>("aws-access-key", keys({ endpoint: "http://minio.local:9000", region: "eu-west-1", force_path_style: true }))).credential.resolve();
    expect(minio).toMatchObject({ region: "eu-west-1", s3Endpoint: "http://minio.local:9000", forcePathStyle: true });
    const error = await failure(make("aws-access-key", keys({ endpoint: "not a host" })));
    expect(error.message).toContain("credential.settings.endpoint: must be a host name");
  });
});

describe("aws-assume-role", () => {
  it("assumes account_id/role_name with the External ID from the host identity, for duration_seconds", async () => {
    const { credential, context } = await make<AssumeRoleCredential>("aws-assume-role", role({ duration_seconds: 7200 }));
    const connection = await credential.resolve(context);
    await remember(connection);
    expect(connection.identity).toBe(DIRECT_ROLE);
    expect(emulators.sts.calls.at(-1)).toMatchObject({ callerArn: hostArn, roleArn: DIRECT_ROLE, externalId: DIRECT_EXTERNAL_ID, outcome: "issued" });
    // Not chained (static host keys): the full 7200 s.
    const lifetime = (await connection.credentials()).expiration!.getTime() - emulators.clock.now();
    expect(lifetime).toBeGreaterThan(7000_000);
    const checks = await checksOf(credential, context);
    expect(checks.map((c) => [c.name, c.status])).toEqual([["role", "ok"], ["external id required", "ok"], ["bucket write", "ok"], ["probe cleanup", "ok"]]);
  });

  it("caps the session at one hour when the host identity is itself a role session", async () => {
    const out = emulators.identities.issueSession(emulators.identities.getRole(emulators.info.platform_role_arn)!, "host-session", 3600);
    secrets.add(out.secretAccessKey).add(out.sessionToken!);
    const { credential, context } = await make<AssumeRoleCredential>("aws-assume-role", role({ duration_seconds: 7200 }), {
      aws_access_key_id: out.accessKeyId, aws_secret_access_key: out.secretAccessKey, aws_session_token: out.sessionToken,
    });
    const connection = await credential.resolve(context);
    await remember(connection);
    expect((await connection.credentials()).expiration!.getTime() - emulators.clock.now()).toBeLessThanOrEqual(3600_000);
  });

  it.each([
    ["a wrong External ID", role({ external_id: "wrong-external-id" })],
    ["a role that does not trust the host", role({ role_name: "conveyor-customer-export" })],
  ])("refuses %s as Invalid credentials naming the role", async (_why, settings) => {
    const { credential, context } = await make<AssumeRoleCredential>("aws-assume-role", settings);
    const error = await failure(credential.resolve(context));
    expect(error).toMatchObject({ code: "credentials.invalid", category: "needs-person", details: { aws_code: "AccessDenied" } });
    expect(error.message).toContain(`arn:aws:iam::210987654321:role/${settings.role_name}`);
    expect(error.message).not.toContain(settings.external_id);
    const checks = await checksOf(credential, context);
    expect(checks).toHaveLength(1);
    expect(checks[0]!.status).toBe("failed");
  });

  it("refuses expired host keys", async () => {
    const session = emulators.identities.issueSession(emulators.identities.getRole(emulators.info.platform_role_arn)!, "expired-host", 900);
    session.expiresAt = emulators.clock.now() - 1;
    secrets.add(session.secretAccessKey).add(session.sessionToken!);
    const { credential, context } = await make<AssumeRoleCredential>("aws-assume-role", role(), {
      aws_access_key_id: session.accessKeyId, aws_secret_access_key: session.secretAccessKey, aws_session_token: session.sessionToken,
    });
    expect((await failure(credential.resolve(context))).details).toMatchObject({ aws_code: "ExpiredToken" });
  });

  it("refuses a host without its own AWS identity as Invalid credentials before any network call; the access key needs none", async () => {
    const calls = emulators.sts.calls.length;
    const keyless = { aws_access_key_id: undefined, aws_secret_access_key: undefined };
    const error = await failure(make<AssumeRoleCredential>("aws-assume-role", role(), keyless));
    expect(error).toMatchObject({ code: "credentials.invalid", action: { kind: "fix-credentials" } });
    expect(error.message).toContain("platform.aws_access_key_id");
    expect(emulators.sts.calls.length).toBe(calls);
    await expect(make("aws-access-key", { access_key_id: WRITER.accessKeyId, secret_access_key: WRITER.secretAccessKey }, keyless)).resolves.toBeDefined();
  });

  it("refreshes the session during a multipart upload that outlives it", async () => {
    const { credential, context } = await make<AssumeRoleCredential>("aws-assume-role", role({ duration_seconds: 900 }));
    const connection = await credential.resolve(context);
    const issued = emulators.sts.calls.filter((c) => c.roleArn === DIRECT_ROLE && c.outcome === "issued").length;
    const body = Readable.from((async function* () {
      yield Buffer.alloc(5 * 1024 * 1024, 1);
      emulators.clock.advance(1_000_000);
      yield Buffer.alloc(5 * 1024 * 1024, 2);
    })());
    await new Upload({ client: createS3Client(connection), queueSize: 1, partSize: 5 * 1024 * 1024, params: { Bucket: "conveyor-exports", Key: "long/assume.bin", Body: body } }).done();
    expect(emulators.sts.calls.filter((c) => c.roleArn === DIRECT_ROLE && c.outcome === "issued").length).toBe(issued + 1);
    const admin = emulatorAdminClient(emulators.info);
    expect((await admin.send(new HeadObjectCommand({ Bucket: "conveyor-exports", Key: "long/assume.bin" }))).ContentLength).toBe(10 * 1024 * 1024);
    await remember(connection);
  });

  it("prints a trust policy naming the host identity that the emulator accepts", async () => {
    const arn = "arn:aws:iam::210987654321:role/from-printed";
    const settings = role({ role_name: "from-printed", probe_prefix: "printed/" });
    const { credential, context } = await make<AssumeRoleCredential>("aws-assume-role", settings);
    const printed = JSON.parse(JSON.stringify(await credential.policies({ prefix: "printed/" }))) as Awaited<ReturnType<AssumeRoleCredential["policies"]>>;
    expect(printed.trustPolicy?.Statement[0]).toMatchObject({ Principal: { AWS: hostArn }, Condition: { StringEquals: { "sts:ExternalId": DIRECT_EXTERNAL_ID } } });
    emulators.identities.addRole(roleFromPolicies({ arn, trustPolicy: printed.trustPolicy!, permissionPolicies: [printed.permissionPolicy] }));
    const checks = await checksOf(credential, context);
    expect(checks.filter((c) => c.status !== "ok")).toEqual([]);
  });
});

it("never puts a secret (secret key, session token, External ID) in a log line, check or error", () => {
  expect(logLines.join("\n")).toContain("assumed the role");
  const text = [...logLines, ...emitted].join("\n");
  expect(secrets.size).toBeGreaterThan(6);
  for (const secret of secrets) expect(text, "a secret leaked").not.toContain(secret);
});
