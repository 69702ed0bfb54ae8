import { PutObjectCommand } from "@aws-sdk/client-s3";
import {
  ACCESS_POINT_ARN_REFUSAL,
  awsCredentialRequired,
  createS3Client,
  failedCheck,
  isAccessPointArn,
  isTransientS3Error,
  partSize,
  requireAwsConnection,
  uploadError,
  type AwsConnection,
} from "@conveyor/aws";
import {
  ConnectorError,
  inject,
  injectable,
  joinKey,
  retry,
  runFilePipeline,
  TOKENS,
  type ConnectionCheck,
  type Destination,
  type DestinationContext,
  type RetryPolicy,
  type SendReport,
  type SendRequest,
  type StageReference,
  type Compressor,
  type Encryptor,
  type Formatter,
} from "@conveyor/core";
import { S3Sink } from "./s3-sink.js";
import { stagesOf, type S3Settings } from "./settings.js";

const DESTINATION = "The amazon-s3 destination";

@injectable()
export class S3Destination implements Destination {
  constructor(
    @inject(TOKENS.settings) private readonly settings: S3Settings,
    @inject(TOKENS.retryPolicy) private readonly retryPolicy: RetryPolicy,
  ) {}

  private get prefix(): string {
    return this.settings.prefix.replace(/^\/+/, "");
  }

  /**
   * The credential's own test, scoped to this destination's prefix: its role hops or keys, then
   * a probe object written (and deleted) under the prefix — reachable and writable where the
   * files will go.
   */
  async test(context: DestinationContext): Promise<ConnectionCheck[]> {
    if (!context.credentialPlugin) {
      return [failedCheck("credential", awsCredentialRequired(DESTINATION))];
    }
    const checks = await context.credentialPlugin.test(context, { prefix: joinKey(this.prefix, "") });
    if (checks.some((c) => c.status === "failed")) return checks;
    try {
      bucketOf(requireAwsConnection(await context.credential(), DESTINATION));
    } catch (error) {
      return [...checks, failedCheck("bucket", error)];
    }
    return checks;
  }

  async send(request: SendRequest, context: DestinationContext): Promise<SendReport> {
    const connection = requireAwsConnection(await context.credential(), DESTINATION);
    const bucket = bucketOf(connection);
    const client = createS3Client(connection, { followRegionRedirects: true });
    try {
      const header = request.overrides.header as boolean | undefined;
      const stages = stagesOf(this.settings, header === undefined ? {} : { header }).map((stage) => create(context, stage));
      const [formatter, ...rest] = stages as [Formatter, ...Array<Compressor | Encryptor>];
      const compressor = this.settings.compression === "none" ? undefined : (rest.shift() as Compressor);
      const encryptor = this.settings.pgp_public_key === undefined ? undefined : (rest.shift() as Encryptor);
      const sink = new S3Sink({
        client,
        bucket,
        prefix: this.prefix,
        concurrency: this.settings.upload_concurrency,
        partSizeOf: (n) => partSize(n, this.settings.part_size_mb * 1024 * 1024),
        retryPolicy: this.retryPolicy,
        context,
        target: {
          ...(this.settings.tags ? { tags: this.settings.tags } : {}),
          ...(this.settings.server_side_encryption === "none"
            ? {}
            : {
                serverSideEncryption:
                  this.settings.server_side_encryption === "AES256"
                    ? { type: "AES256" as const }
                    : { type: "aws:kms" as const, ...(this.settings.kms_key_id ? { kmsKeyId: this.settings.kms_key_id } : {}) },
              }),
        },
      });
      const stageContext = { ...context, schema: request.schema, baseName: request.baseName, partName: request.partName };
      const result = await runFilePipeline(request.rows, { formatter, sink, ...(compressor ? { compressor } : {}), ...(encryptor ? { encryptor } : {}) }, stageContext, context.progress);
      const successFile = (request.overrides.success_file as boolean | undefined) ?? this.settings.success_file;
      if (successFile) {
        const key = joinKey(this.prefix, `${request.baseName}.DONE`);
        // Written last, never encrypted, exactly once (a retried run replays this task).
        await context.tasks.run(`success file ${key}`, () => this.putSuccessFile(client, bucket, key, { run_id: context.runId, rows: result.rows, objects: result.objects }));
      }
      return result;
    } finally {
      client.destroy();
    }
  }

  private async putSuccessFile(client: ReturnType<typeof createS3Client>, bucket: string, key: string, body: object): Promise<{ key: string }> {
    await retry(() => client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(body, null, 2) + "\n", ContentType: "application/json" })), {
      ...this.retryPolicy,
      isRetryable: isTransientS3Error,
    }).catch((error: unknown) => {
      throw uploadError(error, { bucket, key, contentType: "application/json" }, { prefix: this.prefix }, "writing the success file");
    });
    return { key };
  }
}

function create(context: DestinationContext, stage: StageReference): Formatter | Compressor | Encryptor {
  if (stage.kind === "formatter") return context.stages.formatter(stage.id, stage.settings);
  if (stage.kind === "compressor") return context.stages.compressor(stage.id, stage.settings);
  return context.stages.encryptor(stage.id, stage.settings);
}

function bucketOf(connection: AwsConnection): string {
  // The AWS credentials refuse an ARN when the job is validated; this covers any other credential.
  if (connection.bucket && isAccessPointArn(connection.bucket)) {
    throw new ConnectorError({ code: "settings.invalid", category: "invalid-input", message: `the credential's bucket setting ${ACCESS_POINT_ARN_REFUSAL}` });
  }
  if (connection.bucket) return connection.bucket;
  throw new ConnectorError({
    code: "settings.invalid",
    category: "invalid-input",
    message: "the job's credential names no bucket; set the bucket in the credential's settings",
  });
}
