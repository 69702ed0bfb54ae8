import type { DependencyContainer } from "tsyringe";
import type { Compressor, Credential, DestinationContext, Encryptor, Formatter, RunTasks } from "../contracts.js";
import { invalidInput } from "../errors.js";
import type { PluginHost } from "../host/plugin-host.js";
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
  credential?: Credential;
  tasks?: RunTasks;
  progress?: ProgressReporter;
  signal?: AbortSignal;
  warnings?: string[];
}

/**
 * The context a destination runs in: run-scoped services from the run's container, its
 * credential (resolved once, on first use), and the stages it may compose, resolved by id.
 */
export function createRunContext(host: PluginHost, options: RunContextOptions): DestinationContext {
  const { container } = options;
  const logger = container.resolve<Logger>(TOKENS.logger);
  const warnings = options.warnings ?? [];
  let resolved: Promise<unknown> | undefined;
  const context: DestinationContext = {
    runId: options.runId,
    logger,
    clock: container.resolve<Clock>(TOKENS.clock),
    tempStore: container.resolve<TempStore>(TOKENS.tempStore),
    progress: options.progress ?? silentProgress,
    signal: options.signal ?? new AbortController().signal,
    tasks: options.tasks ?? untrackedTasks,
    ...(options.credential ? { credentialPlugin: options.credential } : {}),
    credential<T>() {
      if (!options.credential) return Promise.reject(credentialMissing());
      resolved ??= options.credential.resolve(context);
      // The credential's kind is one the destination accepts: its connection type is the one asked for.
      return resolved as Promise<T>;
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

/** A destination asked for the credential of a job that has none. */
function credentialMissing(): Error {
  return invalidInput("credential.missing", "the job has no credential: add credential: { plugin: <id>, settings: {…} }");
}
