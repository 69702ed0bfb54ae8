import type { ConnectionCheck, Credential, Destination } from "../contracts.js";
import { asConnectorError } from "../errors.js";
import type { PluginHost } from "../host/plugin-host.js";
import { jobCredentials, type Job } from "../job/job-schema.js";
import { credentialProblems } from "../job/validate-job.js";
import { baseFileName, checkAccess, destinationAccessRules, mappingValues, OPERATOR, outputMapping, type AccessRules } from "../policy/index.js";
import type { Row, Schema } from "../schema.js";
import type { Clock, ProgressReporter, TempStore } from "../services.js";
import { systemClock } from "../services.js";
import { errorsOf, settingsInvalid } from "../settings/problems.js";
import type { ReferenceEnvironment } from "../settings/references.js";
import { TOKENS } from "../tokens.js";
import { createRunContext } from "./run-context.js";
import type { RunOrigin, RunRecord } from "./run-record.js";
import type { RunStore } from "./run-store.js";
import { RunTracker } from "./run-tracker.js";

export interface RunJobOptions {
  host: PluginHost;
  job: Job;
  rows: AsyncIterable<Row>;
  schema: Schema;
  origin?: Partial<RunOrigin>;
  store?: RunStore;
  /** The run being retried or restarted: its completed tasks are not done again. */
  previous?: RunRecord;
  /** The time file names are rendered for (`{{ now }}`): a scheduled run's slot. Default: the clock's now. */
  now?: Date;
  progress?: ProgressReporter;
  signal?: AbortSignal;
  clock?: Clock;
  environment?: ReferenceEnvironment;
}

/**
 * One send, start to end: access policy, data template (columns, file name), credential and
 * destination from the host, the destination's send — recorded as a run that ends succeeded
 * (with its report) or failed (with its workflow actions). Never throws for a failed send.
 */
export async function runJob(options: RunJobOptions): Promise<RunRecord> {
  const { host, job } = options;
  const clock = options.clock ?? systemClock;
  const credential = credentialNames(job);
  const tracker = await RunTracker.start({
    origin: {
      jobName: job.name,
      destination: job.destination.plugin,
      ...(credential ? { credential } : {}),
      ...options.origin,
    },
    clock,
    secrets: host.secrets,
    ...(options.store ? { store: options.store } : {}),
    ...(options.previous ? { previous: options.previous } : {}),
  });
  const container = host.createRunContainer(tracker.id, { clock });
  const warnings: string[] = [];
  try {
    // A retried or restarted run names its files as the first attempt did, so objects that
    // attempt completed are recognised and not written again.
    const now = options.previous ? new Date(options.previous.createdAt) : (options.now ?? clock.now());
    const mapping = outputMapping(options.schema, job.template?.columns, mappingValues(now, job.segment));
    // Made before the policy check (which reads the destination's validated switches); nothing is
    // resolved or written until the send.
    const { credentials, destination, access } = await createPlugins(host, job, container, options.environment);
    // The policy looks at what would be sent: a template that drops the PII columns may be used.
    checkAccess(job.principal ?? OPERATOR, access, job.template, mapping.schema);
    const names = baseFileName({
      jobName: job.name,
      now,
      ...(job.template ? { template: job.template } : {}),
      ...(job.campaign ? { campaign: job.campaign } : {}),
    });
    const context = createRunContext(host, {
      runId: tracker.id,
      container,
      tasks: tracker,
      warnings,
      credentials,
      ...(options.progress ? { progress: options.progress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const report = await destination.send(
      {
        rows: mapping.map(options.rows),
        schema: mapping.schema,
        baseName: names.baseName,
        partName: names.partName,
        overrides: templateOverrides(job),
      },
      context,
    );
    return await tracker.succeed(report, warnings);
  } catch (error) {
    container.resolve<import("pino").Logger>(TOKENS.logger).debug({ err: asConnectorError(error).toJSON() }, "run failed");
    return await tracker.fail(error);
  } finally {
    options.progress?.finish();
    await container.resolve<TempStore>(TOKENS.tempStore).cleanup();
  }
}

/** The connection test: the destination's, which includes its credentials' checks. */
export async function testJobConnection(host: PluginHost, job: Job, environment?: ReferenceEnvironment): Promise<ConnectionCheck[]> {
  const container = host.createRunContainer("connection-test");
  try {
    const { credentials, destination } = await createPlugins(host, job, container, environment);
    const context = createRunContext(host, { runId: "connection-test", container, credentials });
    return await destination.test(context);
  } finally {
    await container.resolve<TempStore>(TOKENS.tempStore).cleanup();
  }
}

/**
 * The job's credentials (by role) and destination, and the destination's access switches from
 * its validated settings. A credential in a role the destination lacks, or of a kind it does not
 * accept there, is refused here too, so what `credential<T>(role)` returns is always of a kind it accepts.
 */
async function createPlugins(
  host: PluginHost,
  job: Job,
  container: import("tsyringe").DependencyContainer,
  environment?: ReferenceEnvironment,
): Promise<{ credentials: Record<string, Credential>; destination: Destination; access: AccessRules }> {
  const mismatch = errorsOf(credentialProblems(host, job));
  if (mismatch.length > 0) throw settingsInvalid(mismatch);
  const env = environment ? { environment } : {};
  const credentials: Record<string, Credential> = {};
  for (const { role, path, ref } of jobCredentials(job)) {
    credentials[role] = await host.create<Credential>("credential", ref.plugin, ref.settings, { parent: container, path: `${path}.settings`, ...env });
  }
  const settings = await host.settings("destination", job.destination.plugin, job.destination.settings, { path: "destination.settings", ...env });
  return { credentials, destination: host.instantiate<Destination>(settings, container), access: destinationAccessRules(settings.settings) };
}

/** The run's credential plugins for its record: `aws-access-key`, or `api: login-with-amazon, staging: aws-access-key`. */
function credentialNames(job: Job): string | undefined {
  const given = jobCredentials(job);
  if (given.length <= 1) return given[0]?.ref.plugin;
  return given.map((c) => `${c.role}: ${c.ref.plugin}`).join(", ");
}

/** Data-template settings that override the destination's. */
function templateOverrides(job: Job): Record<string, unknown> {
  const overrides: Record<string, unknown> = {};
  if (job.template?.success_file !== undefined) overrides.success_file = job.template.success_file;
  if (job.template?.header !== undefined) overrides.header = job.template.header;
  return overrides;
}
