import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";

/** The emulators' admin identity (reads and lists everything), for inspecting what was written. */
export function emulatorAdminClient(info: { s3_endpoint: string; region: string; admin_access_key_id: string; admin_secret_access_key: string }): S3Client {
  return new S3Client({
    endpoint: info.s3_endpoint,
    region: info.region,
    forcePathStyle: true,
    credentials: { accessKeyId: info.admin_access_key_id, secretAccessKey: info.admin_secret_access_key },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

/** Every object under `prefix` (all pages), sorted by key. */
export async function listObjects(client: S3Client, bucket: string, prefix: string): Promise<Array<{ key: string; size: number }>> {
  const objects: Array<{ key: string; size: number }> = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
    objects.push(...(page.Contents ?? []).map((o) => ({ key: o.Key!, size: o.Size ?? 0 })));
    token = page.NextContinuationToken;
  } while (token);
  return objects.sort((a, b) => a.key.localeCompare(b.key));
}

export async function readObject(client: S3Client, bucket: string, key: string): Promise<Buffer> {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

/** Every object under `prefix`, key → bytes (for `unpackObjects`). */
export async function readObjects(client: S3Client, bucket: string, prefix: string): Promise<Map<string, Buffer>> {
  const objects = new Map<string, Buffer>();
  for (const { key } of await listObjects(client, bucket, prefix)) objects.set(key, await readObject(client, bucket, key));
  return objects;
}
