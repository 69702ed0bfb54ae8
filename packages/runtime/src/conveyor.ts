import { isAbsolute, relative, resolve } from "node:path";
import {
  asConnectorError,
  createLogger,
  createRunContext,
  invalidInput,
  jobColumnsSchema,
  jobCredentials,
  MemoryRunStore,
  PluginHost,
  runJob,
  SecretRegistry,
  settingsInvalid,
  settingsJsonSchema,
  systemClock,
  testJobConnection,
  validateJob,
  type Clock,
  type ConnectionCheck,
  type ConnectorPlugin,
  type Credential,
  type Job,
  type Logger,
  type Notifier,
  type PluginContext,
  type PluginKind,
  type Principal,
  type Problem,
  type ProgressUpdate,
  type ReferenceEnvironment,
  type RefusedPlugin,
  type Row,
  type RunRecord,
  type RunStore,
  type Schema,
} from "@conveyor/core";
import { readInput, type InputFormat } from "./input/read-input.js";
import { jobDigest } from "./job-digest.js";
import { parseJobText } from "./job-text.js";
import { digWorkflowToJob, isDigWorkflow } from "./workflow/dig-job.js";

export interface ConveyorOptions {
  /** Plugin packages by name, paths (relative to `baseDir`), or definition objects. */
  plugins?: ReadonlyArray<string | ConnectorPlugin>;
  /** Also load every dependency of the projects in `from` whose package.json declares plugins. */
  discover?: { from: string | readonly string[] };
  /** Where plugin paths and package names are resolved from. Default: the working directory. */
  baseDir?: string;
  /** The host's platform settings (platform role ARN, External ID, endpoints, region…). */
  platform?: Record<string, unknown>;
  /** Where runs are kept. Default: in memory, for this process only. */
  stores?: { runs?: RunStore };
  /**
   * `${env:…}` / `${file:…}` in plugins' secret settings. Off unless turned on: `env: true`
   * reads this process's environment (or pass the variables to read); `file: true` reads files
   * relative to `baseDir` (or pass `{ baseDir }`).
   */
  references?: { env?: boolean | NodeJS.ProcessEnv; file?: boolean | { baseDir: string } };
  /**
   * Folders a job's `input.path` may name. Default: none — rows come from the host. Paths are
   * resolved against the first root.
   */
  inputRoots?: readonly string[];
  /**
   * The host's named connections a digdag workflow's `result_connection` names: the credentials
   * and settings a workflow uses but cannot change (`parseJob`).
   */
  connections?: Readonly<Record<string, Record<string, unknown>>>;
  /** Where the connections are kept, named in messages (e.g. the config file's path). */
  connectionsSource?: string;
  /** A pino logger of the host's own (it should scrub `secrets`); default pino to stderr, scrubbed. */
  logger?: Logger;
  /** The default logger's level (default `warn`). */
  logLevel?: string;
  /**
   * Where resolved secret values are registered, to share with the host's own output (its error
   * printing); default a registry of this Conveyor's own, as `conveyor.secrets`.
   */
  secrets?: SecretRegistry;
  clock?: Clock;
}

export interface SendOptions {
  /** A job as a job file holds it (snake_case keys); validated first. */
  job: unknown;
  /** The rows; without them `inputPath` is read, else the job's `input.path` (inside `inputRoots`). */
  rows?: AsyncIterable<Row> | Iterable<Row>;
  /** A file the host chose to read the rows from (relative to `baseDir`); recorded for a retry. */
  inputPath?: string;
  /** The input file's format; default the job's `input.format`, else from the extension. */
  inputFormat?: InputFormat;
  /** The rows' schema; default the job's `schema`, or every input field as a nullable string. */
  schema?: Schema;
  /** Who sends; overrides the job's `principal`. */
  principal?: Principal;
  signal?: AbortSignal;
  onProgress?: (progress: ProgressUpdate) => void;
  /** The time file names are rendered for (a scheduled run's slot). Default: now. */
  now?: Date;
  /** Where the host found the job, recorded on the run so the host can find it again. */
  jobPath?: string;
}

export interface RetryOptions {
  /** The job again; default the one this process sent. It must be unchanged (else restart). */
  job?: unknown;
  /** The rows again; default the input file the run read. */
  rows?: AsyncIterable<Row> | Iterable<Row>;
  schema?: Schema;
  signal?: AbortSignal;
  onProgress?: (progress: ProgressUpdate) => void;
}

export interface RestartOptions extends RetryOptions {
  /** The job as it is now. */
  job: unknown;
}

export interface PluginSummary {
  kind: PluginKind;
  id: string;
  version: string;
  displayName: string;
  description: string;
  /** The package that provided it, or where it came from (a path, "built-in", "host"). */
  source: string;
}

export interface CredentialPolicies {
  credential: string;
  /** The key prefix the grant is scoped to ("" for the whole bucket). */
  prefix: string;
  trustPolicy?: unknown;
  permissionPolicy: unknown;
  notes: string[];
}

/**
 * What a credential plugin may offer for the policies a customer attaches: found by duck typing,
 * so the runtime names no plugin (the AWS credentials implement it).
 */
interface PolicyCapable {
  policies(request: { bucket?: string; prefix?: string }, context: PluginContext): Promise<{ trustPolicy?: unknown; permissionPolicy: unknown; notes?: string[] }>;
}

const hasPolicies = (value: unknown): value is PolicyCapable => typeof (value as Partial<PolicyCapable> | undefined)?.policies === "function";

export interface JobCheck {
  valid: boolean;
  /** The validated job (defaults applied) when valid. */
  job?: Job;
  problems: Problem[];
}

export interface Conveyor {
  plugins(): { loaded: PluginSummary[]; refused: RefusedPlugin[] };
  /** A plugin's settings as JSON Schema (secrets `writeOnly`), for a host's form. */
  schema(id: string, kind?: PluginKind): Record<string, unknown>;
  /**
   * A job file's text (YAML or JSON; a digdag workflow becomes a job through the host's
   * connections) as the job to validate or send, with warnings about how it was read.
   */
  parseJob(text: string, path: string): { job: unknown; warnings: Problem[] };
  validate(job: unknown): Promise<JobCheck>;
  testConnection(job: unknown): Promise<ConnectionCheck[]>;
  /** The job's credentials' own connection tests (role hops, External ID, a probe of the bucket, a Login with Amazon token). */
  testCredential(job: unknown): Promise<ConnectionCheck[]>;
  /** The IAM policies the job's credential needs (of several, the first that has policies: AMC's staging), scoped to the destination's bucket and prefix. */
  credentialPolicies(job: unknown): Promise<CredentialPolicies>;
  /** A notifier plugin's implementation, made with its settings (`path` names them in errors). */
  notifier(plugin: string, settings: unknown, path?: string): Promise<Notifier>;
  /** Runs the job and returns its run record (redacted); a failed send is a failed run, not a throw. */
  send(options: SendOptions): Promise<RunRecord>;
  /** Retry task: the failed run again with the same job and input; completed objects are kept. */
  retry(runId: string, options?: RetryOptions): Promise<RunRecord>;
  /** Restart workflow: the failed run again with the job as it is now. */
  restart(runId: string, options: RestartOptions): Promise<RunRecord>;
  readonly runs: { list(): Promise<RunRecord[]>; get(id: string): Promise<RunRecord> };
  /** Secret values met so far: a host scrubs its own output with `secrets.redactDeep`. */
  readonly secrets: SecretRegistry;
  close(): Promise<void>;
}

/** Loads the plugins and returns the API every host uses. */
export async function createConveyor(options: ConveyorOptions = {}): Promise<Conveyor> {
  const baseDir = resolve(options.baseDir ?? process.cwd());
  const secrets = options.secrets ?? new SecretRegistry();
  const logger = options.logger ?? createLogger({ secrets, level: options.logLevel ?? "warn" });
  const host = new PluginHost({ platform: options.platform ?? {}, secrets, logger });
  // Discovered packages first: where a named plugin claims the same id, the one found first is kept.
  for (const from of [options.discover?.from ?? []].flat()) await host.discover(resolve(baseDir, from));
  for (const spec of options.plugins ?? []) {
    if (typeof spec !== "string") host.add(spec, "host");
    else if (spec.startsWith(".") || isAbsolute(spec)) await host.loadPath(spec, baseDir);
    else await host.loadPackage(spec, baseDir);
  }
  return new ConveyorRuntime(host, options, baseDir);
}

class ConveyorRuntime implements Conveyor {
  readonly secrets: SecretRegistry;
  readonly runs: Conveyor["runs"];
  private readonly store: RunStore;
  private readonly environment: ReferenceEnvironment;
  private readonly clock: Clock;
  private readonly inputRoots: string[];
  private readonly connections: Readonly<Record<string, Record<string, unknown>>>;
  private readonly connectionsSource: string | undefined;
  /** The jobs this process sent, by run id, so a retry needs only the id. */
  private readonly sentJobs = new Map<string, unknown>();
  private closed = false;

  constructor(
    private readonly host: PluginHost,
    options: ConveyorOptions,
    private readonly baseDir: string,
  ) {
    this.secrets = host.secrets;
    this.store = options.stores?.runs ?? new MemoryRunStore();
    this.clock = options.clock ?? systemClock;
    this.inputRoots = (options.inputRoots ?? []).map((root) => resolve(baseDir, root));
    this.connections = options.connections ?? {};
    this.connectionsSource = options.connectionsSource;
    const { env, file } = options.references ?? {};
    this.environment = {
      secrets: this.secrets,
      ...(env ? { env: env === true ? process.env : env } : {}),
      ...(file ? { files: file === true ? { baseDir } : file } : {}),
    };
    this.runs = {
      list: async () => {
        this.open();
        return this.secrets.redactDeep(await this.store.list());
      },
      get: async (id) => {
        this.open();
        return this.secrets.redactDeep(await this.store.load(id));
      },
    };
  }

  plugins() {
    this.open();
    return {
      loaded: this.host.list().map(({ plugin, packageName, source }) => ({
        kind: plugin.kind,
        id: plugin.id,
        version: plugin.version,
        displayName: plugin.displayName,
        description: plugin.description,
        source: packageName ?? source,
      })),
      refused: [...this.host.refused],
    };
  }

  schema(id: string, kind?: PluginKind) {
    this.open();
    const matches = this.host.findById(id).filter((p) => kind === undefined || p.kind === kind);
    if (matches.length === 0) {
      throw invalidInput("plugin.unknown", `unknown plugin "${id}"; available: ${this.host.list().map((p) => p.plugin.id).join(", ")}`);
    }
    if (matches.length > 1) {
      throw invalidInput("plugin.ambiguous", `several plugins have id "${id}" (${matches.map((p) => p.kind).join(", ")}); name the kind`);
    }
    return settingsJsonSchema(matches[0]!);
  }

  parseJob(text: string, path: string): { job: unknown; warnings: Problem[] } {
    this.open();
    const { raw, warnings } = parseJobText(text, path);
    if (!isDigWorkflow(path, raw)) return { job: raw, warnings };
    const job = digWorkflowToJob(raw, {
      connections: this.connections,
      ...(this.connectionsSource ? { source: this.connectionsSource } : {}),
      jobSettings: (plugin) => this.host.get("destination", plugin).jobSettings ?? [],
    });
    return { job, warnings };
  }

  async validate(job: unknown): Promise<JobCheck> {
    this.open();
    const result = await validateJob(this.host, job, this.environment);
    return this.secrets.redactDeep({ valid: result.job !== undefined, problems: result.problems, ...(result.job ? { job: result.job } : {}) });
  }

  async testConnection(job: unknown): Promise<ConnectionCheck[]> {
    const valid = await this.requireValid(job);
    return this.secrets.redactDeep(await testJobConnection(this.host, valid, this.environment));
  }

  async testCredential(job: unknown): Promise<ConnectionCheck[]> {
    const { credentials, context } = await this.jobCredentials(await this.requireValid(job), "credential-test");
    const checks: ConnectionCheck[] = [];
    for (const { role, credential } of credentials) {
      const own = await credential.test(context).catch((error: unknown) => {
        const e = asConnectorError(error);
        return [{ name: "credential", status: "failed" as const, message: e.message, error: e.toJSON() }];
      });
      // With several credentials, each check says whose it is.
      checks.push(...(credentials.length > 1 ? own.map((c) => ({ ...c, name: `${role}: ${c.name}` })) : own));
    }
    return this.secrets.redactDeep(checks);
  }

  async credentialPolicies(raw: unknown): Promise<CredentialPolicies> {
    const job = await this.requireValid(raw);
    const { credentials, context } = await this.jobCredentials(job, "credential-policy");
    // The credential that writes to the bucket (AMC's staging one): the first that has policies.
    const found = credentials.find((c) => hasPolicies(c.credential));
    if (!found || !hasPolicies(found.credential)) {
      const named = credentials.map((c) => (credentials.length > 1 ? `${c.role}: ${c.plugin}` : `"${c.plugin}"`)).join(", ");
      throw invalidInput("credential.no-policies", `credential plugin ${named} has no policies to print`);
    }
    const settings = job.destination.settings;
    const text = (key: string) => (typeof settings[key] === "string" ? (settings[key] as string) : undefined);
    const bucket = text("bucket");
    // The destination's prefix scopes the grant (AMC stages under path_prefix); without one it is the bucket.
    const prefix = text("prefix") ?? text("path_prefix") ?? "";
    const policies = await found.credential.policies({ ...(bucket ? { bucket } : {}), prefix }, context);
    // Not redacted: the customer must paste the External ID into their trust policy.
    return { credential: found.plugin, prefix, permissionPolicy: policies.permissionPolicy, notes: policies.notes ?? [], ...(policies.trustPolicy ? { trustPolicy: policies.trustPolicy } : {}) };
  }

  async notifier(plugin: string, settings: unknown, path = "notifier.settings"): Promise<Notifier> {
    this.open();
    return this.host.create<Notifier>("notifier", plugin, settings, { path, environment: this.environment });
  }

  async send(options: SendOptions): Promise<RunRecord> {
    return this.start(options, undefined);
  }

  async retry(runId: string, options: RetryOptions = {}): Promise<RunRecord> {
    const previous = await this.failedRun(runId);
    const job = options.job ?? this.sentJobs.get(previous.id);
    if (job === undefined) {
      throw invalidInput("run.job-unavailable", `run ${previous.id} was not sent by this process; pass the job again (the run store keeps no copy of its settings)`);
    }
    if (previous.origin.jobSha256 && jobDigest(job) !== previous.origin.jobSha256) {
      throw invalidInput("run.job-changed", `the job changed since run ${previous.id}; restart the workflow to run it with the current configuration`);
    }
    return this.start({ ...options, job }, previous);
  }

  async restart(runId: string, options: RestartOptions): Promise<RunRecord> {
    return this.start(options, await this.failedRun(runId));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.sentJobs.clear();
  }

  private async start(options: SendOptions, previous: RunRecord | undefined): Promise<RunRecord> {
    const job = await this.requireValid(options.job);
    const sent = options.principal ? { ...job, principal: options.principal } : job;
    // The job's own columns first (a restart runs the job as it is now); the recorded schema
    // only types the rows again when the job declares none.
    const schema = options.schema ?? jobColumnsSchema(job) ?? previous?.origin.schema;
    const inputPath = options.rows ? undefined : (previous?.origin.inputPath ?? (options.inputPath ? resolve(this.baseDir, options.inputPath) : this.jobInputPath(job)));
    const format = options.inputFormat ?? job.input?.format;
    const input = inputPath
      ? await readInput(inputPath, { ...(format ? { format } : {}), ...(schema ? { schema } : {}) })
      : { rows: toAsync(options.rows!), schema: schema ?? missingSchema() };
    const onProgress = options.onProgress;
    const run = await runJob({
      host: this.host,
      job: sent,
      rows: input.rows,
      schema: input.schema,
      store: this.store,
      clock: this.clock,
      environment: this.environment,
      origin: { jobSha256: jobDigest(options.job), schema: input.schema, ...((options.jobPath ?? previous?.origin.jobPath) ? { jobPath: options.jobPath ?? previous?.origin.jobPath } : {}), ...(inputPath ? { inputPath } : {}) },
      ...(onProgress ? { progress: { update: onProgress, finish: () => {} } } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.now ? { now: options.now } : {}),
      ...(previous ? { previous } : {}),
    });
    this.sentJobs.set(run.id, options.job);
    return this.secrets.redactDeep(run);
  }

  /** The job's credentials, made (not resolved) in the order the job names them, and a context to test them in. */
  private async jobCredentials(job: Job, runId: string): Promise<{ credentials: Array<{ role: string; plugin: string; credential: Credential }>; context: PluginContext }> {
    const named = jobCredentials(job);
    if (named.length === 0) throw invalidInput("credential.missing", "the job has no credential: add credential: { plugin: <id>, settings: {…} }");
    const container = this.host.createRunContainer(runId);
    const credentials = [];
    for (const { role, path, ref } of named) {
      const credential = await this.host.create<Credential>("credential", ref.plugin, ref.settings, { parent: container, path: `${path}.settings`, environment: this.environment });
      credentials.push({ role, plugin: ref.plugin, credential });
    }
    return { credentials, context: createRunContext(this.host, { runId, container }) };
  }

  private async requireValid(raw: unknown): Promise<Job> {
    this.open();
    const result = await validateJob(this.host, raw, this.environment);
    if (!result.job) throw settingsInvalid(this.secrets.redactDeep(result.problems));
    return result.job;
  }

  /** The file a job names, only inside the host's input roots: a tenant's job must not read the host's files. */
  private jobInputPath(job: Job): string {
    const named = job.input?.path;
    if (named === undefined) {
      throw invalidInput("input.missing", "no rows: the host passes rows, or the job sets input.path");
    }
    const [first] = this.inputRoots;
    if (first === undefined) {
      throw invalidInput("input.not-allowed", `input.path: this host reads no input files; it passes the rows itself`);
    }
    const full = resolve(first, named);
    if (!this.inputRoots.some((root) => isInside(root, full))) {
      throw invalidInput("input.not-allowed", `input.path ${JSON.stringify(named)} is outside the folders this host reads inputs from (${this.inputRoots.join(", ")})`);
    }
    return full;
  }

  private async failedRun(runId: string): Promise<RunRecord> {
    this.open();
    const run = await this.store.load(runId);
    if (run.status !== "failed") {
      throw invalidInput("run.not-failed", `run ${run.id} ${run.status === "succeeded" ? "succeeded" : "is still running"}; only a failed run can be retried or restarted`);
    }
    return run;
  }

  private open(): void {
    if (this.closed) throw invalidInput("conveyor.closed", "this Conveyor was closed; create another with createConveyor");
  }
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

function missingSchema(): never {
  throw invalidInput("schema.missing", "rows need a schema: pass schema with the rows, or set the job's schema");
}

async function* toAsync(rows: AsyncIterable<Row> | Iterable<Row>): AsyncIterable<Row> {
  yield* rows;
}
