import { PutObjectCommand } from "@aws-sdk/client-s3";
import { startS3Emulator, type S3Emulator } from "@conveyor/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorConnection } from "./emulator-connection.js";
import { createS3Client, type AwsConnection } from "../src/index.js";

let s3: S3Emulator;
let connection: AwsConnection;
beforeAll(async () => {
  s3 = await startS3Emulator({ buckets: ["skew"] });
  const user = s3.identities.createUser("writer", [{ actions: ["s3:PutObject"], resource: "skew/*" }]);
  connection = emulatorConnection(s3, user);
});
afterAll(async () => s3?.close());

const puts = () => s3.requests.filter((r) => r.operation === "PutObject").length;

describe("createS3Client", () => {
  it("signs again, once, in S3's time after RequestTimeTooSkewed, so a host clock 20 minutes off still writes", async () => {
    s3.clock.advance(20 * 60_000); // S3's time moves; this host's does not
    const before = puts();
    const out = await createS3Client(connection).send(new PutObjectCommand({ Bucket: "skew", Key: "k.txt", Body: "x" }));
    expect(out.$metadata.attempts).toBe(2);
    expect(puts() - before).toBe(2);
  });

  it("leaves every other failure to the caller's own retries: one request, no SDK retry", async () => {
    const client = createS3Client(connection);
    await client.send(new PutObjectCommand({ Bucket: "skew", Key: "warm.txt", Body: "x" })); // learns S3's time
    s3.faults.inject({ type: "slow-down" });
    const before = puts();
    const error = await client.send(new PutObjectCommand({ Bucket: "skew", Key: "k.txt", Body: "x" })).catch((e: Error) => e);
    expect((error as Error).name).toBe("SlowDown");
    expect(puts() - before).toBe(1);
  });
});
