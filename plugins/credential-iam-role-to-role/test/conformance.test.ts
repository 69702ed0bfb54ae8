import { PutObjectCommand } from "@aws-sdk/client-s3";
import { createS3Client, requireAwsConnection } from "@conveyor/aws";
import { emulatorPlatform as platformOf, startEmulators, type RunningEmulators } from "@conveyor/testkit";
import { describeCredential } from "@conveyor/testkit/conformance";
import { afterAll, beforeAll } from "vitest";
import plugin from "../src/index.js";

let emulators: RunningEmulators;
beforeAll(async () => {
  emulators = await startEmulators();
});
afterAll(() => emulators?.close());

describeCredential(plugin, {
  settings: { target_role_arn: "arn:aws:iam::210987654321:role/conveyor-customer-export", bucket: "conveyor-exports", probe_prefix: "exports/" },
  platform: () => platformOf(emulators.info),
  invalidSettings: [
    { why: "the target role ARN names a user", settings: { target_role_arn: "arn:aws:iam::210987654321:user/bob", bucket: "conveyor-exports" }, path: "target_role_arn" },
    { why: "the account id is not 12 digits", settings: { target_role_arn: "arn:aws:iam::2109:role/x", bucket: "conveyor-exports" }, path: "target_role_arn" },
    { why: "the bucket name has capitals", settings: { target_role_arn: "arn:aws:iam::210987654321:role/x", bucket: "My_Bucket" }, path: "bucket" },
    { why: "the session name has a space", settings: { target_role_arn: "arn:aws:iam::210987654321:role/x", bucket: "conveyor-exports", session_name: "a b" }, path: "session_name" },
    { why: "the duration exceeds the chained one-hour cap", settings: { target_role_arn: "arn:aws:iam::210987654321:role/x", bucket: "conveyor-exports", duration_seconds: 7200 }, path: "duration_seconds" },
    { why: "an unknown setting is given", settings: { target_role_arn: "arn:aws:iam::210987654321:role/x", bucket: "conveyor-exports", external_id: "typed-by-user" }, path: "" },
  ],
  async verifyResolved(resolved) {
    const connection = requireAwsConnection(resolved, "conformance");
    await createS3Client(connection).send(new PutObjectCommand({ Bucket: connection.bucket!, Key: "exports/conformance.txt", Body: "ok" }));
  },
  refusedSettings: { target_role_arn: "arn:aws:iam::210987654321:role/does-not-exist", bucket: "conveyor-exports" },
  // The External ID is the platform's secret: planted there, the customer's role refuses it.
  secretSettings: (secret) => ({ platform: { ...platformOf(emulators.info), external_id: secret } }),
  secrets: () => [emulators.info.secret_access_key, emulators.info.external_id],
});
