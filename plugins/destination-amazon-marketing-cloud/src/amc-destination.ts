import { failedCheck } from "@conveyor/aws";
import { requireLoginWithAmazonConnection } from "@conveyor/credential-login-with-amazon";
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
import type { AmcSettings, AmcUploadSettings } from "./settings.js";
import { API_CREDENTIAL, DESTINATION, runUpload, STAGING_CREDENTIAL, stagingPrefix } from "./upload-run.js";

@injectable()
export class AmcDestination implements Destination {
  constructor(
    @inject(TOKENS.settings) private readonly settings: AmcSettings,
    @inject(TOKENS.retryPolicy) private readonly retryPolicy: RetryPolicy,
  ) {}

  /** A client for this run, calling the api credential's region (or amc_endpoint) with its tokens. */
  private async connect(context: DestinationContext): Promise<AmcClient> {
    const s = this.settings;
    const lwa = requireLoginWithAmazonConnection(await context.credential(API_CREDENTIAL), DESTINATION);
    const endpoints = endpointsOf(lwa.region, s);
    return new AmcClient({
      baseUrl: endpoints.amc,
      lwa,
      instanceId: s.amc_instance_id,
      ...(s.amc_account_id ? { accountId: s.amc_account_id } : {}),
      marketplaceId: endpoints.marketplaceId,
      clock: context.clock,
      retryPolicy: this.retryPolicy,
      signal: context.signal,
      logger: context.logger,
      requestTimeoutMs: s.request_timeout_seconds * 1000,
    });
  }

  /** The api credential's checks, the AMC instance (and dataset), then — for uploads — the staging credential's. */
  async test(context: DestinationContext): Promise<ConnectionCheck[]> {
    const s = this.settings;
    const api = context.credentialPlugins[API_CREDENTIAL];
    // Validation refuses a job without one; a host that made the context itself is told here.
    if (!api) return [failedCheck("Login with Amazon", missingCredential(API_CREDENTIAL, "a login-with-amazon credential for the Amazon Ads API"))];
    const checks = await api.test(context);
    if (checks.some((c) => c.status === "failed")) return checks;
    try {
      const client = await this.connect(context);
      const account = await client.accountId();
      checks.push(s.target === "dataset" && s.operation === "upload" ? await datasetCheck(client, s, account) : { name: "AMC instance", status: "ok", message: `instance ${s.amc_instance_id}, account ${account}` });
    } catch (error) {
      return [...checks, failedCheck("AMC instance", error)];
    }
    if (s.target === "dataset" && s.operation === "upload") {
      const staging = context.credentialPlugins[STAGING_CREDENTIAL];
      checks.push(...(staging ? await staging.test(context, { prefix: stagingPrefix(s) }) : [failedCheck("staging bucket", missingCredential(STAGING_CREDENTIAL, "an AWS credential (aws-access-key, aws-assume-role or iam-role-to-role) for the S3 staging bucket"))]));
    }
    return checks;
  }

  async send(request: SendRequest, context: DestinationContext): Promise<SendReport> {
    const s = this.settings;
    const client = await this.connect(context);
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
    return runUpload(request, context, s, client, this.retryPolicy);
  }
}

/** The dataset an upload goes to: there, to be created by the first run, or missing. */
async function datasetCheck(client: AmcClient, s: AmcUploadSettings, account: string): Promise<ConnectionCheck> {
  const dataset = await getDataset(client, s.dataset_id);
  if (dataset) return { name: "AMC dataset", status: "ok", message: `instance ${s.amc_instance_id} (account ${account}) has dataset "${dataset.dataSetId}" with ${dataset.columns.length} columns` };
  if (s.create_dataset) return { name: "AMC dataset", status: "warning", message: `dataset "${s.dataset_id}" does not exist yet; the first run creates it from dataset_definition` };
  return failedCheck("AMC dataset", datasetMissing(s.dataset_id, s.amc_instance_id));
}

function missingCredential(role: string, what: string): Error {
  return new Error(`${DESTINATION} needs ${what}: give the job credentials.${role}: { plugin: <id>, settings: {…} }`);
}
