/**
 * A multipart upload through the S3 emulator's verifying front vs straight into s3rver, both
 * with the real SDK `Upload`, in the same run. The front verifies every part's SigV4 signature,
 * checks grants and multipart bookkeeping, and streams the body on; the ratio says what that
 * costs.
 *
 * Size: this scenario moves bytes, not rows, so the harness's `rows` option is ignored. It
 * uploads CONVEYOR_BENCH_S3_MB mebibytes (default 200) and reports `rows` = MiB uploaded, so
 * the harness's rows/s is MiB/s and the throughput ratio compares like with like.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { Readable } from "node:stream";
import { IdentityStore, startS3Emulator } from "@conveyor/testkit";
import type { Measurement, Scenario } from "../harness.js";

const MIB = 1024 * 1024;
const BUCKET = "bench-bucket";

function sizeMiB(): number {
  const value = Number(process.env["CONVEYOR_BENCH_S3_MB"] ?? 200);
  if (!Number.isInteger(value) || value < 1) throw new Error(`CONVEYOR_BENCH_S3_MB must be a positive integer, got ${process.env["CONVEYOR_BENCH_S3_MB"]}`);
  return value;
}

/** `mib` MiB generated 1 MiB at a time, so neither variant holds the object in memory. */
function body(mib: number): Readable {
  const chunk = Buffer.alloc(MIB);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31) & 0xff;
  return Readable.from((function* () {
    for (let i = 0; i < mib; i++) yield chunk;
  })());
}

async function upload(through: "front" | "s3rver"): Promise<Measurement> {
  const mib = sizeMiB();
  const identities = new IdentityStore();
  const user = identities.createUser("bench", [{ actions: ["s3:*"], resource: "*" }]);
  const s3 = await startS3Emulator({ identities, buckets: [BUCKET] });
  try {
    const client = new S3Client({
      endpoint: through === "front" ? s3.endpoint : s3.upstreamEndpoint,
      region: "us-east-1",
      forcePathStyle: true,
      // s3rver alone only knows its built-in key (and never checks V4 signatures).
      credentials: through === "front" ? { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey } : { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
      // Else the SDK sends aws-chunked bodies that s3rver alone would store framing and all.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
    await new Upload({ client, params: { Bucket: BUCKET, Key: "bench.bin", Body: body(mib) }, partSize: 8 * MIB, queueSize: 4 }).done();
    client.destroy();
    return { rows: mib, bytes: mib * MIB };
  } finally {
    await s3.close();
  }
}

export const s3FrontScenario: Scenario = {
  name: "s3-front",
  description: "200 MiB multipart Upload through the S3 emulator's SigV4-verifying front vs s3rver alone",
  baseline: { label: "s3rver alone", run: () => upload("s3rver") },
  subject: { label: "through the front", run: () => upload("front") },
  goal: { metric: "throughput", value: 0.8 },
};

export default s3FrontScenario;
