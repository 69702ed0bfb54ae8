import { PutObjectCommand } from "@aws-sdk/client-s3";
import { createS3Client, requireAwsConnection } from "@conveyor/aws";
import { emulatorPlatform as platformOf, roleFromPolicies, startEmulators, type RunningEmulators } from "@conveyor/testkit";
import { describeCredential } from "@conveyor/testkit/conformance";
import { afterAll, beforeAll } from "vitest";
import { accessKeyPlugin, assumeRolePlugin } from "../src/index.js";
import { DIRECT_EXTERNAL_ID, DIRECT_ROLE } from "./direct-role.js";

let emulators: RunningEmulators;
/** A user with fixed keys, so the fixture settings can name them before the emulators start. */
const WRITER = { accessKeyId: "AKIACONFORMANCE0WRTR", secretAccessKey: "conformance/Writer+Secret0123456789abcdef" };
beforeAll(async () => {
  emulators = await startEmulators();
  // A role in the customer's account trusting the host's own identity (aws-assume-role's one hop).
  emulators.identities.addRole(roleFromPolicies({
    arn: DIRECT_ROLE,
    trustPolicy: { Statement: [{ Effect: "Allow", Principal: { AWS: emulators.identities.resolve(emulators.info.access_key_id)!.arn }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": DIRECT_EXTERNAL_ID } } }] },
    permissionPolicies: [{ Statement: [{ Effect: "Allow", Action: ["s3:PutObject", "s3:DeleteObject"], Resource: "arn:aws:s3:::conveyor-exports/*" }] }],
  }));
  emulators.identities.addUser({ ...WRITER, grants: [{ actions: ["s3:PutObject", "s3:DeleteObject"], resource: "conveyor-exports/*" }] });
});
afterAll(() => emulators?.close());

const verifyResolved = async (resolved: unknown) => {
  const connection = requireAwsConnection(resolved, "conformance");
  await createS3Client(connection).send(new PutObjectCommand({ Bucket: "conveyor-exports", Key: "exports/conformance.txt", Body: "ok" }));
};

describeCredential(accessKeyPlugin, {
  settings: { access_key_id: WRITER.accessKeyId, secret_access_key: WRITER.secretAccessKey, bucket: "conveyor-exports" },
  platform: () => platformOf(emulators.info),
  invalidSettings: [
    { why: "the access key id is lowercase", settings: { access_key_id: "akia-lower", secret_access_key: "x" }, path: "access_key_id" },
    { why: "the secret is missing", settings: { access_key_id: "AKIAEXAMPLE000000000" }, path: "secret_access_key" },
    { why: "auth_method is anonymous", settings: { auth_method: "anonymous", access_key_id: "AKIAEXAMPLE000000000", secret_access_key: "x" }, path: "auth_method" },
    { why: "auth_method is session without a token", settings: { auth_method: "session", access_key_id: "AKIAEXAMPLE000000000", secret_access_key: "x" }, path: "session_token" },
    { why: "the region is not an AWS region", settings: { access_key_id: "AKIAEXAMPLE000000000", secret_access_key: "x", region: "Tokyo" }, path: "region" },
  ],
  verifyResolved,
  refusedSettings: { access_key_id: WRITER.accessKeyId, secret_access_key: "not-the-secret-key-0123456789" },
  secretSettings: (secret) => ({ settings: { access_key_id: WRITER.accessKeyId, secret_access_key: secret, bucket: "conveyor-exports" } }),
  secrets: () => [WRITER.secretAccessKey, "not-the-secret-key-0123456789", emulators.info.secret_access_key],
});

describeCredential(assumeRolePlugin, {
  settings: { account_id: "210987654321", role_name: "conveyor-direct", external_id: DIRECT_EXTERNAL_ID, bucket: "conveyor-exports", probe_prefix: "exports/" },
  platform: () => platformOf(emulators.info),
  invalidSettings: [
    { why: "the account id has 11 digits", settings: { account_id: "21098765432", role_name: "r", external_id: "abc" }, path: "account_id" },
    { why: "the role name has a space", settings: { account_id: "210987654321", role_name: "my role", external_id: "abc" }, path: "role_name" },
    { why: "the External ID is one character", settings: { account_id: "210987654321", role_name: "r", external_id: "a" }, path: "external_id" },
    { why: "the duration is above 12 hours", settings: { account_id: "210987654321", role_name: "r", external_id: "abc", duration_seconds: 50000 }, path: "duration_seconds" },
    { why: "auth_method is anonymous", settings: { auth_method: "anonymous", account_id: "210987654321", role_name: "r", external_id: "abc" }, path: "auth_method" },
  ],
  verifyResolved,
  refusedSettings: { account_id: "210987654321", role_name: "conveyor-direct", external_id: "not-the-external-id" },
  secretSettings: (secret) => ({ settings: { account_id: "210987654321", role_name: "conveyor-direct", external_id: secret, bucket: "conveyor-exports" } }),
  secrets: () => [emulators.info.secret_access_key, DIRECT_EXTERNAL_ID],
});
