import { failedCheck } from "@conveyor/aws";
import {
  inject,
  injectable,
  TOKENS,
  type ConnectionCheck,
  type Destination,
  type DestinationContext,
  type RetryPolicy,
  type SendReport,
  type SendRequest,
} from "@conveyor/core";
import { datasetMissing } from "./actions.js";
import { countTriggerRows, createAudience } from "./audiences.js";
import { AmcClient } from "./client.js";
import { getDataset } from "./datasets.js";
import { deleteIdentities, identityColumns } from "./deletions.js";
import { endpointsOf } from "./endpoints.js";
import type { AmcSettings } from "./settings.js";
import { LwaTokenProvider } from "./token.js";
import { DESTINATION, runUpload, stagingPrefix } from "./upload-run.js";

@injectable()
export class AmcDestination implements Destination {
  constructor(
    @inject(TOKENS.settings) private readonly settings: AmcSettings,
    @inject(TOKENS.retryPolicy) private readonly retryPolicy: RetryPolicy,
  ) {}

  /** A client for this run: its own token provider, so tokens never outlive the run. */
  private connect(context: DestinationContext): { client: AmcClient; tokens: LwaTokenProvider } {
    const s = this.settings;
    const endpoints = endpointsOf(s);
    const common = { clock: context.clock, retryPolicy: this.retryPolicy, signal: context.signal, requestTimeoutMs: s.request_timeout_seconds * 1000 };
    const tokens = new LwaTokenProvider({ ...common, tokenUrl: endpoints.lwa, credentials: { clientId: s.lwa_client_id, clientSecret: s.lwa_client_secret, refreshToken: s.lwa_refresh_token } });
    const client = new AmcClient({
      ...common,
      baseUrl: endpoints.amc,
      tokens,
      clientId: s.lwa_client_id,
      instanceId: s.amc_instance_id,
      ...(s.amc_account_id ? { accountId: s.amc_account_id } : {}),
      marketplaceId: endpoints.marketplaceId,
      logger: context.logger,
    });
    return { client, tokens };
  }

  /** Login with Amazon, the AMC instance (and dataset), then — for uploads — the staging bucket. */
  async test(context: DestinationContext): Promise<ConnectionCheck[]> {
    const s = this.settings;
    const { client, tokens } = this.connect(context);
    const checks: ConnectionCheck[] = [];
    try {
      await tokens.token();
      checks.push({ name: "Login with Amazon", status: "ok", message: `access token issued to client ${s.lwa_client_id}` });
    } catch (error) {
      return [failedCheck("Login with Amazon", error)];
    }
    try {
      const account = await client.accountId();
      if (s.target === "dataset" && s.operation === "upload") {
        const dataset = await getDataset(client, s.dataset_id!);
        checks.push(
          dataset
            ? { name: "AMC dataset", status: "ok", message: `instance ${s.amc_instance_id} (account ${account}) has dataset "${dataset.dataSetId}" with ${dataset.columns.length} columns` }
            : s.create_dataset
              ? { name: "AMC dataset", status: "warning", message: `dataset "${s.dataset_id}" does not exist yet; the first run creates it from dataset_definition` }
              : failedCheck("AMC dataset", datasetMissing(s.dataset_id!, s.amc_instance_id)),
        );
      } else {
        checks.push({ name: "AMC instance", status: "ok", message: `instance ${s.amc_instance_id}, account ${account}` });
      }
    } catch (error) {
      return [...checks, failedCheck("AMC instance", error)];
    }
    if (s.target === "dataset" && s.operation === "upload") {
      if (!context.credentialPlugin) {
        checks.push(failedCheck("staging bucket", new Error(`${DESTINATION} uploads through S3: give the job an AWS credential (aws-access-key, aws-assume-role or iam-role-to-role) for the staging bucket`)));
      } else {
        checks.push(...(await context.credentialPlugin.test(context, { prefix: stagingPrefix(s) })));
      }
    }
    return checks;
  }

  async send(request: SendRequest, context: DestinationContext): Promise<SendReport> {
    const s = this.settings;
    const { client, tokens } = this.connect(context);
    const timeoutMs = s.wait_timeout_minutes * 60_000;
    if (s.target === "rule_based_audiences") {
      const rows = await countTriggerRows(request.rows);
      const audience = await createAudience(client, s, { wait: s.wait_until_finish, timeoutMs, clock: context.clock, context });
      return {
        objects: [],
        rows,
        bytes: 0,
        details: {
          target: s.target,
          audienceExecutionId: audience.audienceExecutionId,
          status: audience.status,
          ...(audience.statusReason !== undefined ? { statusReason: audience.statusReason } : {}),
          ...(audience.audienceCount !== undefined ? { audienceCount: audience.audienceCount } : {}),
          ...(audience.dspAudienceId !== undefined ? { dspAudienceId: audience.dspAudienceId } : {}),
          token_refreshes: tokens.refreshes,
        },
      };
    }
    if (s.operation === "delete") {
      const identity = identityColumns(request.schema);
      const result = await deleteIdentities(client, request.rows, identity, { country: s.country_code, wait: s.wait_until_finish, timeoutMs, clock: context.clock, context });
      const warnings = identity.ignored.length ? [`columns that are not identities were ignored: ${identity.ignored.join(", ")}`] : [];
      return {
        objects: [],
        rows: result.identities,
        bytes: 0,
        ...(result.rowsWithoutIdentity ? { skippedRows: [{ reason: "no identity value that normalizes (all identity columns empty or invalid)", count: result.rowsWithoutIdentity }] } : {}),
        ...(warnings.length ? { warnings } : {}),
        details: {
          target: s.target,
          operation: "delete",
          userDeletionRequestIds: result.requestIds,
          identity_columns: identity.columns.map((c) => c.name),
          ...(identity.ignored.length ? { ignored_columns: identity.ignored } : {}),
          ...(result.identityCount !== undefined ? { identityCount: result.identityCount, status: "SUCCEEDED" } : { status: "PENDING" }),
        },
      };
    }
    const report = await runUpload(request, context, s, client, this.retryPolicy);
    return { ...report, details: { ...report.details, token_refreshes: tokens.refreshes } };
  }
}
