/**
 * Injection tokens. `Symbol.for` keeps them equal across copies of this package, so a plugin
 * that bundles its own @conveyor/core still meets the host's services.
 */
export const TOKENS = {
  /** pino Logger (secret values and keys redacted). */
  logger: Symbol.for("conveyor.logger"),
  /** {@link Clock} */
  clock: Symbol.for("conveyor.clock"),
  /** {@link TempStore} */
  tempStore: Symbol.for("conveyor.temp-store"),
  /** {@link RetryPolicy} for network calls. */
  retryPolicy: Symbol.for("conveyor.retry-policy"),
  /** {@link SecretRegistry}: secret values to keep out of logs, errors and reports. */
  secrets: Symbol.for("conveyor.secrets"),
  /** The validated settings of the plugin instance being resolved (child container only). */
  settings: Symbol.for("conveyor.settings"),
  /** The validated host-provided (platform) settings of that plugin (child container only). */
  platformSettings: Symbol.for("conveyor.platform-settings"),
} as const;

/** The token a plugin binds its implementation under. */
export function implementationToken(kind: string, id: string): symbol {
  return Symbol.for(`conveyor.plugin.${kind}.${id}`);
}
