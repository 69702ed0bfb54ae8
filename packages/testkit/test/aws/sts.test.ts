import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import { HeadBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { IdentityStore, roleFromPolicies, startS3Emulator, startStsEmulator, type S3Emulator, type StsEmulator } from "../../src/index.js";
import { caught, creds, s3Client, type AwsCredentialIdentity } from "./helpers.js";

const identities = new IdentityStore();
const host = identities.createUser("host");
const stranger = identities.createUser("stranger");
const PLATFORM = "arn:aws:iam::123456789012:role/platform";
const CUSTOMER = "arn:aws:iam::210987654321:role/customer";
const LAX = "arn:aws:iam::210987654321:role/no-external-id";
const EXTERNAL_ID = "ext-123:abc";
identities.addRole({ arn: PLATFORM, trust: { principals: [host.arn] } });
identities.addRole(
  roleFromPolicies({
    arn: CUSTOMER,
    trustPolicy: {
      Statement: [{ Sid: "AllowConveyorAccess", Effect: "Allow", Principal: { AWS: PLATFORM }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": EXTERNAL_ID } } }],
    },
    permissionPolicies: [{ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:PutObject"], Resource: "arn:aws:s3:::data/exports/*" }] }],
  }),
);
identities.addRole({ arn: LAX, trust: { principals: [PLATFORM] } });

let s3: S3Emulator;
let sts: StsEmulator;
beforeAll(async () => {
  [s3, sts] = await Promise.all([startS3Emulator({ identities, buckets: ["data"] }), startStsEmulator({ identities })]);
});
afterAll(() => Promise.all([s3.close(), sts.close()]));

const stsClient = (credentials: AwsCredentialIdentity) => new STSClient({ endpoint: sts.endpoint, region: "us-east-1", credentials, maxAttempts: 1 });

async function platformCredentials(): Promise<AwsCredentialIdentity> {
  const out = await stsClient(creds(host)).send(new AssumeRoleCommand({ RoleArn: PLATFORM, RoleSessionName: "platform" }));
  const c = out.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
}

const denial = (caller: string, role: string) => `User: ${caller} is not authorized to perform: sts:AssumeRole on resource: ${role}`;

describe("STS emulator: AssumeRole", () => {
  it("issues session credentials the SDK parses, expiring after DurationSeconds", async () => {
    const out = await stsClient(creds(host)).send(new AssumeRoleCommand({ RoleArn: PLATFORM, RoleSessionName: "s1", DurationSeconds: 900 }));
    expect(out.AssumedRoleUser?.Arn).toBe("arn:aws:sts::123456789012:assumed-role/platform/s1");
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    const lifetime = out.Credentials!.Expiration!.getTime() - sts.clock.now();
    expect(lifetime).toBeGreaterThan(890_000);
    expect(lifetime).toBeLessThanOrEqual(900_000);
  });

  it("chains platform → customer with the External ID, and the session writes where the role allows", async () => {
    const credentials = fromTemporaryCredentials({
      masterCredentials: fromTemporaryCredentials({ masterCredentials: creds(host), params: { RoleArn: PLATFORM }, clientConfig: { endpoint: sts.endpoint, region: "us-east-1" } }),
      params: { RoleArn: CUSTOMER, ExternalId: EXTERNAL_ID, RoleSessionName: "export", DurationSeconds: 3600 },
      clientConfig: { endpoint: sts.endpoint, region: "us-east-1" },
    });
    const client = s3Client(s3.endpoint, credentials);
    await client.send(new PutObjectCommand({ Bucket: "data", Key: "exports/a.csv", Body: "a,b\n" }));
    const outside = await caught(client.send(new PutObjectCommand({ Bucket: "data", Key: "elsewhere/a.csv", Body: "a,b\n" })));
    expect(outside.name).toBe("AccessDenied");
    expect(outside.$metadata?.httpStatusCode).toBe(403);
    // No s3:ListBucket: HeadBucket is a bare 403, as on AWS.
    const head = await caught(client.send(new HeadBucketCommand({ Bucket: "data" })));
    expect(head.$metadata?.httpStatusCode).toBe(403);
    const who = await new STSClient({ endpoint: sts.endpoint, region: "us-east-1", credentials }).send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe("arn:aws:sts::210987654321:assumed-role/customer/export");
  });

  it("denies a wrong or missing External ID with AWS's message", async () => {
    const platform = await platformCredentials();
    const callerArn = "arn:aws:sts::123456789012:assumed-role/platform/platform";
    for (const ExternalId of ["wrong-id", undefined]) {
      const error = await caught(stsClient(platform).send(new AssumeRoleCommand({ RoleArn: CUSTOMER, RoleSessionName: "sess-x", ...(ExternalId ? { ExternalId } : {}) })));
      expect(error.name).toBe("AccessDenied");
      expect(error.$metadata?.httpStatusCode).toBe(403);
      expect(error.message).toBe(denial(callerArn, CUSTOMER));
    }
  });

  it("lets a role without an External ID condition be assumed without one", async () => {
    const out = await stsClient(await platformCredentials()).send(new AssumeRoleCommand({ RoleArn: LAX, RoleSessionName: "probe" }));
    expect(out.Credentials?.SessionToken).toBeTruthy();
  });

  it("denies an untrusted caller and a missing role alike", async () => {
    const untrusted = await caught(stsClient(creds(stranger)).send(new AssumeRoleCommand({ RoleArn: PLATFORM, RoleSessionName: "sess-x" })));
    expect(untrusted.message).toBe(denial(stranger.arn, PLATFORM));
    const missingArn = "arn:aws:iam::123456789012:role/does-not-exist";
    const missing = await caught(stsClient(creds(host)).send(new AssumeRoleCommand({ RoleArn: missingArn, RoleSessionName: "sess-x" })));
    expect(missing.name).toBe("AccessDenied");
    expect(missing.message).toBe(denial(host.arn, missingArn));
  });

  it.each([
    [{ RoleArn: "arn:aws:iam::123456789012:user/platform" }, "is invalid"],
    [{ RoleArn: "short" }, "at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20"],
    [{ RoleSessionName: "has space" }, "at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern"],
    [{ ExternalId: "bad id" }, "at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern"],
    [{ DurationSeconds: 899 }, "at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"],
    [{ DurationSeconds: 43201 }, "Member must have value less than or equal to 43200"],
  ])("answers ValidationError for malformed input %j", async (override, message) => {
    const error = await caught(stsClient(creds(host)).send(new AssumeRoleCommand({ RoleArn: PLATFORM, RoleSessionName: "ok", ...override })));
    expect(error.name).toBe("ValidationError");
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(error.message).toContain(message);
  });

  it("caps role-chained sessions at one hour", async () => {
    const platform = await platformCredentials();
    const error = await caught(stsClient(platform).send(new AssumeRoleCommand({ RoleArn: CUSTOMER, RoleSessionName: "sess-x", ExternalId: EXTERNAL_ID, DurationSeconds: 7200 })));
    expect(error.name).toBe("ValidationError");
    expect(error.message).toContain("1 hour session limit for roles assumed by role chaining");
    const direct = await stsClient(creds(host)).send(new AssumeRoleCommand({ RoleArn: PLATFORM, RoleSessionName: "sess-x", DurationSeconds: 7200 }));
    expect(direct.Credentials).toBeDefined();
  });

  it("refuses bad signatures and unknown keys", async () => {
    const bad = await caught(stsClient({ accessKeyId: host.accessKeyId, secretAccessKey: "wrong" }).send(new GetCallerIdentityCommand({})));
    expect(bad.name).toBe("SignatureDoesNotMatch");
    const unknown = await caught(stsClient({ accessKeyId: "AKIANOBODY0000000000", secretAccessKey: "x" }).send(new GetCallerIdentityCommand({})));
    expect(unknown.name).toBe("InvalidClientTokenId");
  });

  it("expires sessions on the emulator clock: S3 answers ExpiredToken, STS too", async () => {
    const out = await stsClient(creds(host)).send(new AssumeRoleCommand({ RoleArn: PLATFORM, RoleSessionName: "short", DurationSeconds: 900 }));
    const session = { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! };
    identities.setRoleGrants(PLATFORM, [{ actions: ["s3:ListBucket"], resource: "data" }]);
    const client = s3Client(s3.endpoint, session);
    await client.send(new HeadBucketCommand({ Bucket: "data" }));
    sts.clock.advance(901_000);
    const s3Error = await caught(client.send(new PutObjectCommand({ Bucket: "data", Key: "exports/late", Body: "x" })));
    expect(s3Error.name).toBe("ExpiredToken");
    expect(s3Error.$metadata?.httpStatusCode).toBe(400);
    const stsError = await caught(stsClient(session).send(new GetCallerIdentityCommand({})));
    expect(stsError.name).toBe("ExpiredToken");
    identities.setRoleGrants(PLATFORM, []);
  });

  it("refuses a session key presented without its session token", async () => {
    const platform = await platformCredentials();
    const error = await caught(s3Client(s3.endpoint, { accessKeyId: platform.accessKeyId, secretAccessKey: platform.secretAccessKey }).send(new PutObjectCommand({ Bucket: "data", Key: "exports/x", Body: "x" })));
    expect(error.name).toBe("InvalidToken");
  });

  it("moves the shared clock over the HTTP control endpoint", async () => {
    const before = sts.clock.now();
    const res = await fetch(`${sts.endpoint}/__emulator/clock/advance`, { method: "POST", body: JSON.stringify({ ms: 60_000 }) });
    expect(res.status).toBe(200);
    const { now } = (await res.json()) as { now: string };
    expect(Date.parse(now) - before).toBeGreaterThanOrEqual(60_000);
    expect(s3.clock.now() - before).toBeGreaterThanOrEqual(60_000);
    const bad = await fetch(`${sts.endpoint}/__emulator/clock/advance`, { method: "POST", body: JSON.stringify({ ms: "soon" }) });
    expect(bad.status).toBe(400);
  });
});
