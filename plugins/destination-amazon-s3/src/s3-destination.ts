import {
  ACCESS_POINT_ARN_REFUSAL,
  awsCredentialRequired,
  createS3Client,
  failedCheck,
  isAccessPointArn,
  partSize,
  requireAwsConnection,
  S3ObjectSink,
  type AwsConnection,
  type S3ObjectSinkOptions,
} from "@conveyor/aws";
import {
  ConnectorError,
  inject,
  injectable,
  joinKey,
  resolveStageChain,
  runFilePipeline,
  stageChoicesOf,
  stageContextOf,
  TOKENS,
  writeSuccessFile,
  type ConnectionCheck,
  type Destination,
  type DestinationContext,
  type RetryPolicy,
  type SendReport,
  type SendRequest,
} from "@conveyor/core";
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
      const stages = resolveStageChain(stageChoicesOf(stagesOf(this.settings, header === undefined ? {} : { header })), context.stages);
      const s3: S3ObjectSinkOptions = {
        client,
        bucket,
        prefix: this.prefix,
        concurrency: this.settings.upload_concurrency,
        partSizeOf: (n) => partSize(n, this.settings.part_size_mb * 1024 * 1024),
        retryPolicy: this.retryPolicy,
        logger: context.logger,
      };
      const sink = new S3ObjectSink({ ...s3, objectSettings: this.objectSettings(), run: context });
      const result = await runFilePipeline(request.rows, { ...stages, sink }, stageContextOf(request, context), context.progress);
      const successFile = (request.overrides.success_file as boolean | undefined) ?? this.settings.success_file;
      // A marker holding no rows: a task of its own rather than an object task, and without the
      // tags and server-side encryption chosen for the data.
      if (successFile) await writeSuccessFile(new S3ObjectSink(s3), request.baseName, result, context);
      return result;
    } finally {
      client.destroy();
    }
  }

  private objectSettings(): S3ObjectSinkOptions["objectSettings"] {
    const { tags, server_side_encryption: sse, kms_key_id } = this.settings;
    return {
      ...(tags ? { tags } : {}),
      ...(sse === "none" ? {} : { serverSideEncryption: sse === "AES256" ? { type: "AES256" as const } : { type: "aws:kms" as const, ...(kms_key_id ? { kmsKeyId: kms_key_id } : {}) } }),
    };
  }
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
