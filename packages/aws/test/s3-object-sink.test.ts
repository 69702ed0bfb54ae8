import { Readable } from "node:stream";
import { GetObjectCommand, GetObjectTaggingCommand } from "@aws-sdk/client-s3";
import { createLogger, type RunTasks } from "@conveyor/core";
import { startS3Emulator, type S3Emulator } from "@conveyor/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorConnection } from "./emulator-connection.js";
import { createS3Client, S3ObjectSink, type AwsConnection, type S3ObjectSinkOptions } from "../src/index.js";

const BUCKET = "sink-bucket";
let s3: S3Emulator;
let writer: AwsConnection;

beforeAll(async () => {
  s3 = await startS3Emulator({ buckets: [BUCKET] });
  const user = s3.identities.createUser("writer", [{ actions: ["s3:PutObject", "s3:AbortMultipartUpload", "s3:PutObjectTagging", "s3:GetObject", "s3:GetObjectTagging"], resource: `${BUCKET}/*` }]);
  writer = emulatorConnection(s3, user);
});
afterAll(async () => s3?.close());

/** A run's tasks kept in memory across attempts, as the run store keeps them. */
function run(completed = new Map<string, unknown>()) {
  const warnings: string[] = [];
  const tasks: RunTasks = {
    previous: <T>(name: string) => completed.get(name) as T | undefined,
    async run<T>(name: string, fn: () => Promise<T>) {
      const result = await fn();
      completed.set(name, result);
      return result;
    },
  };
  return { tasks, warn: (message: string) => void warnings.push(message), completed, warnings };
}

const sink = (extra: Partial<S3ObjectSinkOptions> = {}) =>
  new S3ObjectSink({
    client: createS3Client(writer),
    bucket: BUCKET,
    prefix: "/exports/",
    retryPolicy: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
    concurrency: 2,
    logger: createLogger({ level: "silent" }),
    ...extra,
  });

const file = (name: string, text: string) => ({ name, body: Readable.from([Buffer.from(text)]), contentType: "text/csv" });
const uploads = (key: string) => s3.requests.filter((r) => r.key === key && r.operation !== "GetObject" && r.operation !== "GetObjectTagging").length;

describe("S3ObjectSink", () => {
  it("uploads each file under the prefix with the object settings", async () => {
    const written = await sink({ objectSettings: { tags: { team: "growth" } } }).write(file("a/t.csv", "id\n1\n"));
    expect(written.key).toBe("exports/a/t.csv");
    const client = createS3Client(writer);
    const body = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: "exports/a/t.csv" }));
    expect(await body.Body!.transformToString()).toBe("id\n1\n");
    expect((await client.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: "exports/a/t.csv" }))).TagSet).toEqual([{ Key: "team", Value: "growth" }]);
  });

  it("records each object as the task `upload <key>`; a retried run reads the regenerated file but does not upload it again", async () => {
    const first = run();
    const written = await sink({ run: first }).write(file("retried.csv", "id\n1\n"));
    expect([...first.completed.keys()]).toEqual(["upload exports/retried.csv"]);
    expect(uploads("exports/retried.csv")).toBe(1);

    const retried = run(first.completed);
    const body = Readable.from([Buffer.from("id\n1\n")]);
    expect(await sink({ run: retried }).write({ name: "retried.csv", body, contentType: "text/csv" })).toEqual(written);
    expect(uploads("exports/retried.csv")).toBe(1);
    // Read to its end: the stages before it move on to the next file only then.
    expect(body.readableEnded).toBe(true);
    expect(retried.warnings).toEqual([]);
  });

  it("keeps an earlier attempt's object when the same rows now give different bytes, and says so", async () => {
    const first = run();
    const written = await sink({ run: first }).write(file("changed.csv", "id\n1\n"));
    const retried = run(first.completed);
    expect(await sink({ run: retried }).write(file("changed.csv", "id\n2\n"))).toEqual(written);
    expect(uploads("exports/changed.csv")).toBe(1);
    expect(retried.warnings).toEqual(["exports/changed.csv was uploaded by an earlier attempt and is kept; the same rows now give different bytes (input or settings changed)"]);
  });

  it("without the run, uploads every time (for a file that is a task of its own)", async () => {
    await sink().write(file("plain.csv", "x"));
    await sink().write(file("plain.csv", "x"));
    expect(uploads("exports/plain.csv")).toBe(2);
  });
});
