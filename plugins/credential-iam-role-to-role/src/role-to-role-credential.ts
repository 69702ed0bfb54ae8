import {
  inject,
  injectable,
  TOKENS,
  type ConnectionCheck,
  type ConnectionScope,
  type Credential,
  type PluginContext,
} from "@conveyor/core";
import {
  assumeRoleOnce,
  assumeRoleProvider,
  externalIdEnforcedCheck,
  failedCheck,
  connectionTarget,
  hostBaseCredentials,
  parseRoleArn,
  permissionPolicy,
  probeBucket,
  sessionNameFrom,
  stsOptions,
  trustPolicy,
  type AssumeRoleOptions,
  type AwsConnection,
  type CredentialPolicies,
  type PolicyProvider,
  type PolicyRequest,
} from "@conveyor/aws";
import type { RoleToRolePlatform, RoleToRoleSettings } from "./index.js";

/**
 * base credentials → AssumeRole(platform role) → AssumeRole(target role, ExternalId). Each hop
 * is a cached provider refreshed by the run's clock; the second is chained, so ≤ 1 hour.
 */
@injectable()
export class RoleToRoleCredential implements Credential<AwsConnection>, PolicyProvider {
  constructor(
    @inject(TOKENS.settings) private readonly settings: RoleToRoleSettings,
    @inject(TOKENS.platformSettings) private readonly platform: RoleToRolePlatform,
  ) {}

  private chain(context: PluginContext) {
    const target = connectionTarget(this.settings, this.platform);
    const base = hostBaseCredentials(this.platform);
    const common = { ...stsOptions(this.platform, target.region), clock: context.clock, logger: context.logger };
    const platformRole = assumeRoleProvider({
      ...common,
      source: base.source,
      chained: base.isSession,
      roleArn: this.platform.platform_role_arn,
      sessionName: sessionNameFrom(context.runId, "conveyor-platform"),
      label: "platform role",
    });
    const targetOptions: AssumeRoleOptions = {
      ...common,
      source: platformRole,
      chained: true,
      roleArn: this.settings.target_role_arn,
      externalId: this.platform.external_id,
      sessionName: this.settings.session_name ?? sessionNameFrom(context.runId),
      durationSeconds: this.settings.duration_seconds,
      label: "target role",
    };
    return { platformRole, targetOptions };
  }

  private connection(credentials: AwsConnection["credentials"]): AwsConnection {
    const target = connectionTarget(this.settings, this.platform);
    return { kind: "aws", credentials, ...target, bucket: this.settings.bucket, identity: this.settings.target_role_arn };
  }

  /** Assumes both hops now, so a refused role fails the run before any data moves. */
  async resolve(context: PluginContext): Promise<AwsConnection> {
    const { targetOptions } = this.chain(context);
    const credentials = assumeRoleProvider(targetOptions);
    await credentials();
    return this.connection(credentials);
  }

  /**
   * Both hops, the confused-deputy check, then the bucket probe (under the destination's prefix
   * when it says, else probe_prefix); stops at the first failure.
   */
  async test(context: PluginContext, scope?: ConnectionScope): Promise<ConnectionCheck[]> {
    const { platformRole, targetOptions } = this.chain(context);
    const checks: ConnectionCheck[] = [];
    try {
      await platformRole();
      checks.push({ name: "platform role", status: "ok", message: `assumed ${this.platform.platform_role_arn}` });
    } catch (error) {
      return [failedCheck("platform role", error)];
    }
    try {
      await assumeRoleOnce(targetOptions);
      checks.push({ name: "target role", status: "ok", message: `assumed ${this.settings.target_role_arn} with the External ID` });
    } catch (error) {
      checks.push(failedCheck("target role", error));
      return checks;
    }
    checks.push(await externalIdEnforcedCheck(targetOptions));

    const credentials = assumeRoleProvider(targetOptions);
    checks.push(
      ...(await probeBucket(this.connection(credentials), {
        bucket: this.settings.bucket,
        prefix: scope?.prefix ?? this.settings.probe_prefix,
        cleanup: this.settings.probe_cleanup,
        now: context.clock.now(),
        signal: context.signal,
      })),
    );
    return checks;
  }

  /** The trust policy for the target role and its least-privilege permission policy. */
  async policies(request: PolicyRequest): Promise<CredentialPolicies> {
    const bucket = request.bucket ?? this.settings.bucket;
    const prefix = request.prefix ?? this.settings.probe_prefix;
    const { partition } = parseRoleArn(this.settings.target_role_arn);
    const notes = [
      `Attach the trust policy to ${this.settings.target_role_arn} (IAM → Roles → Trust relationships); it lets ${this.platform.platform_role_arn} assume the role only with this tenant's External ID.`,
      `Attach the permission policy to the same role: it allows writing under s3://${bucket}/${prefix} and nothing else${this.settings.probe_cleanup ? " (s3:DeleteObject is for removing the connection test's probe object)" : ""}.`,
    ];
    if (!this.settings.probe_prefix.startsWith(prefix)) {
      notes.push(`The connection test writes its probe object under probe_prefix "${this.settings.probe_prefix}", outside "${prefix}": set probe_prefix to "${prefix}" or the probe will be denied.`);
    }
    return {
      trustPolicy: trustPolicy({ principalArn: this.platform.platform_role_arn, externalId: this.platform.external_id }),
      permissionPolicy: permissionPolicy({ bucket, prefix, probeCleanup: this.settings.probe_cleanup, partition }),
      notes,
    };
  }
}
