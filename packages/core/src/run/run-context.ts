import type { DependencyContainer } from "tsyringe";
import type { Compressor, Credential, DestinationContext, Encryptor, Formatter, RunTasks } from "../contracts.js";
import { invalidInput } from "../errors.js";
import type { PluginHost } from "../host/plugin-host.js";
import { credentialPath } from "../job/job-schema.js";
import { DEFAULT_CREDENTIAL_ROLE } from "../plugin.js";
import type { Clock, Logger, ProgressReporter, TempStore } from "../services.js";
import { silentProgress } from "../services.js";
import { TOKENS } from "../tokens.js";

/** Tasks with no persistence: every task runs (for tests and one-off sends). */
export const untrackedTasks: RunTasks = {
  run: (_name, fn) => fn(),
  previous: () => undefined,
};

export interface RunContextOptions {
  runId: string;
  container: DependencyContainer;
  /** The job's credentials by role. */
  credentials?: Readonly<Record<string, Credential>>;
  /** Shorthand for a one-credential destination: the `default` role's. */
  credential?: Credential;
  tasks?: RunTasks;
  progress?: ProgressReporter;
  signal?: AbortSignal;
  warnings?: string[];
}

/**
 * The context a destination runs in: run-scoped services from the run's container, its
 * credentials (each resolved once, on first use), and the stages it may compose, resolved by id.
 */
export function createRunContext(host: PluginHost, options: RunContextOptions): DestinationContext {
  const { container } = options;
  const logger = container.resolve<Logger>(TOKENS.logger);
  const warnings = options.warnings ?? [];
  const plugins: Record<string, Credential> = { ...options.credentials, ...(options.credential ? { [DEFAULT_CREDENTIAL_ROLE]: options.credential } : {}) };
  const resolved = new Map<string, Promise<unknown>>();
  const context: DestinationContext = {
    runId: options.runId,
    logger,
    clock: container.resolve<Clock>(TOKENS.clock),
    tempStore: container.resolve<TempStore>(TOKENS.tempStore),
    progress: options.progress ?? silentProgress,
    signal: options.signal ?? new AbortController().signal,
    tasks: options.tasks ?? untrackedTasks,
    credentialPlugins: plugins,
    ...(plugins[DEFAULT_CREDENTIAL_ROLE] ? { credentialPlugin: plugins[DEFAULT_CREDENTIAL_ROLE] } : {}),
    credential<T>(role = DEFAULT_CREDENTIAL_ROLE) {
      const plugin = plugins[role];
      if (!plugin) return Promise.reject(credentialMissing(role));
      if (!resolved.has(role)) resolved.set(role, plugin.resolve(context));
      // The credential's kind is one the destination accepts for the role: its connection type is the one asked for.
      return resolved.get(role) as Promise<T>;
    },
    stages: {
      formatter: (id, settings) => host.createSync<Formatter>("formatter", id, settings, container),
      compressor: (id, settings) => host.createSync<Compressor>("compressor", id, settings, container),
      encryptor: (id, settings) => host.createSync<Encryptor>("encryptor", id, settings, container),
    },
    warn(message) {
      warnings.push(message);
      logger.warn(message);
    },
  };
  return context;
}

/** A destination asked for a credential the job does not have. */
function credentialMissing(role: string): Error {
  const what = role === DEFAULT_CREDENTIAL_ROLE ? "credential" : `${role} credential`;
  return invalidInput("credential.missing", `the job has no ${what}: add ${credentialPath(role)}: { plugin: <id>, settings: {…} }`);
}
