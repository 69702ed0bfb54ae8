import {
  inject,
  injectable,
  invalidInput,
  TOKENS,
  type ConnectionCheck,
  type ConnectionScope,
  type Credential,
  type PluginContext,
} from "@conveyor/core";
import {
  callerIdentity,
  connectionTarget,
  failedCheck,
  partitionOfRegion,
  permissionPolicy,
  stsOptions,
  type AwsConnection,
  type AwsPlatformSettings,
  type CredentialPolicies,
  type PolicyProvider,
  type PolicyRequest,
} from "@conveyor/aws";
import { probeIfBucket } from "./connection-test.js";
import type { AccessKeySettings } from "./index.js";

/** Static keys (optionally with a session token): nothing to refresh, so the provider is constant. */
@injectable()
export class AccessKeyCredential implements Credential<AwsConnection>, PolicyProvider {
  constructor(
    @inject(TOKENS.settings) private readonly settings: AccessKeySettings,
    @inject(TOKENS.platformSettings) private readonly platform: AwsPlatformSettings,
  ) {}

  private keys() {
    const { access_key_id, secret_access_key, session_token } = this.settings;
    return { accessKeyId: access_key_id, secretAccessKey: secret_access_key, ...(session_token ? { sessionToken: session_token } : {}) };
  }

  async resolve(): Promise<AwsConnection> {
    const keys = this.keys();
    return {
      kind: "aws",
      credentials: async () => keys,
      ...connectionTarget(this.settings, this.platform),
      ...(this.settings.bucket ? { bucket: this.settings.bucket } : {}),
      identity: this.settings.access_key_id,
    };
  }

  /** Who the keys belong to (STS GetCallerIdentity), then the bucket probe when a bucket is set. */
  async test(context: PluginContext, scope?: ConnectionScope): Promise<ConnectionCheck[]> {
    const connection = await this.resolve();
    const checks: ConnectionCheck[] = [];
    if (this.hasSts()) {
      try {
        const who = await callerIdentity(this.keys(), stsOptions(this.platform, connection.region));
        checks.push({ name: "access key", status: "ok", message: `${this.settings.access_key_id} is ${who.arn}` });
      } catch (error) {
        return [failedCheck("access key", error)];
      }
    } else if (!this.settings.bucket) {
      checks.push({ name: "access key", status: "warning", message: "not checked: the endpoint is not AWS and no bucket is set to probe" });
    }
    return [...checks, ...(await probeIfBucket(connection, this.settings, context, scope))];
  }

  /** S3-compatible stores (a non-AWS endpoint) have no STS unless the host names one. */
  private hasSts(): boolean {
    return !this.settings.endpoint || /amazonaws\.com/.test(this.settings.endpoint) || this.platform.sts_endpoint !== undefined;
  }

  /** Keys have no trust policy: only the permission policy, for the IAM user that owns them. */
  async policies(request: PolicyRequest): Promise<CredentialPolicies> {
    const bucket = request.bucket ?? this.settings.bucket;
    if (!bucket) throw invalidInput("settings.invalid", "no bucket to write a policy for: set the destination's bucket or the credential's bucket");
    const prefix = request.prefix ?? this.settings.probe_prefix;
    const { region } = connectionTarget(this.settings, this.platform);
    return {
      permissionPolicy: permissionPolicy({ bucket, prefix, probeCleanup: this.settings.probe_cleanup, partition: partitionOfRegion(region) }),
      notes: [`Attach the permission policy to the IAM user that owns ${this.settings.access_key_id}; it allows writing under s3://${bucket}/${prefix} and nothing else.`],
    };
  }
}
