import type { S3Emulator } from "@conveyor/testkit";
import type { AwsConnection } from "../src/index.js";

/** The connection a credential would resolve to for an emulator user with static keys. */
export function emulatorConnection(s3: S3Emulator, user: { accessKeyId: string; secretAccessKey: string }): AwsConnection {
  return {
    kind: "aws",
    credentials: async () => ({ accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey }),
    region: "us-east-1",
    s3Endpoint: s3.endpoint,
    forcePathStyle: true,
    identity: user.accessKeyId,
  };
}
