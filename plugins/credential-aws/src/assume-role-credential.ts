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
  assumeRoleOnce,
  assumeRoleProvider,
  callerIdentity,
  connectionTarget,
  externalIdEnforcedCheck,
  failedCheck,
  hostBaseCredentials,
  partitionOfRegion,
  permissionPolicy,
  roleArnOf,
  sessionNameFrom,
  stsOptions,
  trustPolicy,
  type AssumeRoleOptions,
  type AwsConnection,
  type AwsPlatformSettings,
  type CredentialPolicies,
  type PolicyProvider,
  type PolicyRequest,
} from "@conveyor/aws";
import { probeIfBucket } from "./connection-test.js";
import type { AssumeRoleSettings } from "./index.js";

/** One hop: the host's identity → AssumeRole(account_id/role_name, ExternalId), refreshed before expiry. */
@injectable()
export class AssumeRoleCredential implements Credential<AwsConnection>, PolicyProvider {
  constructor(
    @inject(TOKENS.settings) private readonly settings: AssumeRoleSettings,
    @inject(TOKENS.platformSettings) private readonly platform: AwsPlatformSettings,
  ) {}

  private get target() {
    return connectionTarget(this.settings, this.platform);
  }

  get roleArn(): string {
    return roleArnOf(this.settings.account_id, this.settings.role_name, partitionOfRegion(this.target.region));
  }

  private options(context: PluginContext): AssumeRoleOptions {
    const base = hostBaseCredentials(this.platform);
    return {
      ...stsOptions(this.platform, this.target.region),
      source: base.source,
      chained: base.isSession,
      roleArn: this.roleArn,
      externalId: this.settings.external_id,
      sessionName: this.settings.session_name ?? sessionNameFrom(context.runId),
      durationSeconds: this.settings.duration_seconds,
      clock: context.clock,
      logger: context.logger,
      label: "role",
    };
  }

  private connection(credentials: AwsConnection["credentials"]): AwsConnection {
    return { kind: "aws", credentials, ...this.target, ...(this.settings.bucket ? { bucket: this.settings.bucket } : {}), identity: this.roleArn };
  }

  /** Assumes the role now, so a refused role fails before any data moves. */
  async resolve(context: PluginContext): Promise<AwsConnection> {
    const credentials = assumeRoleProvider(this.options(context));
    await credentials();
    return this.connection(credentials);
  }

  async test(context: PluginContext, scope?: ConnectionScope): Promise<ConnectionCheck[]> {
    const options = this.options(context);
    try {
      await assumeRoleOnce(options);
    } catch (error) {
      return [failedCheck("role", error)];
    }
    const checks: ConnectionCheck[] = [
      { name: "role", status: "ok", message: `assumed ${this.roleArn} with the External ID` },
      await externalIdEnforcedCheck(options),
    ];
    return [...checks, ...(await probeIfBucket(this.connection(assumeRoleProvider(options)), this.settings, context, scope))];
  }

  /** The trust policy names the host's own identity (asked of STS) as the principal. */
  async policies(request: PolicyRequest): Promise<CredentialPolicies> {
    const bucket = request.bucket ?? this.settings.bucket;
    if (!bucket) throw invalidInput("settings.invalid", "no bucket to write a policy for: set the destination's bucket or the credential's bucket");
    const prefix = request.prefix ?? this.settings.probe_prefix;
    const base = hostBaseCredentials(this.platform);
    const host = await callerIdentity(base.source, stsOptions(this.platform, this.target.region));
    const principalArn = assumedRoleToRoleArn(host.arn);
    return {
      trustPolicy: trustPolicy({ principalArn, externalId: this.settings.external_id }),
      permissionPolicy: permissionPolicy({ bucket, prefix, probeCleanup: this.settings.probe_cleanup, partition: partitionOfRegion(this.target.region) }),
      notes: [
        `Attach the trust policy to ${this.roleArn}: it lets ${principalArn} (this host's identity) assume it only with the External ID.`,
        `Attach the permission policy to the same role: it allows writing under s3://${bucket}/${prefix} and nothing else.`,
      ],
    };
  }
}

/** A session ARN (`arn:aws:sts::1:assumed-role/Name/session`) is not a valid principal; its role's ARN is. */
function assumedRoleToRoleArn(arn: string): string {
  const m = /^arn:([\w-]+):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn);
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : arn;
}
