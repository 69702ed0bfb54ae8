import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino, type Logger, type LoggerOptions, type DestinationStream } from "pino";
import { sleepFor } from "./retry.js";

export type { Logger } from "pino";

export interface Clock {
  now(): Date;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = { now: () => new Date(), sleep: sleepFor };

/** Temporary directories for stages that must spool (tar entries); removed by `cleanup()`. */
export interface TempStore {
  createDir(prefix: string): Promise<string>;
  cleanup(): Promise<void>;
}

export class OsTempStore implements TempStore {
  private readonly dirs = new Set<string>();
  async createDir(prefix: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), `conveyor-${prefix.replace(/[^\w-]/g, "_")}-`));
    this.dirs.add(dir);
    return dir;
  }
  async cleanup(): Promise<void> {
    await Promise.all([...this.dirs].map((d) => rm(d, { recursive: true, force: true })));
    this.dirs.clear();
  }
}

export interface ProgressUpdate {
  rows?: number;
  bytes?: number;
  files?: number;
  /** What is happening now, e.g. "uploading exports/t.csv.gz". */
  phase?: string;
}

export interface ProgressReporter {
  /** Totals so far (not increments). */
  update(progress: ProgressUpdate): void;
  finish(): void;
}

export const silentProgress: ProgressReporter = { update: () => {}, finish: () => {} };

/**
 * Remembers secret values (resolved credentials, `${env:…}` secrets) so that every text that
 * leaves the process — logs, error messages, reports — can be scrubbed of them.
 */
export class SecretRegistry {
  private readonly values = new Set<string>();

  add(value: unknown): void {
    // Very short values would scrub innocent text; secrets are never that short.
    if (typeof value === "string" && value.length >= 4) this.values.add(value);
  }

  redact(text: string): string {
    let out = text;
    for (const v of this.values) if (out.includes(v)) out = out.split(v).join("[REDACTED]");
    return out;
  }

  /** Deep copy of a JSON-like value with secret strings scrubbed. */
  redactDeep<T>(value: T): T {
    if (typeof value === "string") return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.redactDeep(v)) as T;
    if (value && typeof value === "object" && !(value instanceof Date)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.redactDeep(v)])) as T;
    }
    return value;
  }
}

/** Keys whose values are always hidden in logs, whatever plugin they come from. */
export const ALWAYS_SECRET_KEYS = [
  "secret_access_key",
  "secretAccessKey",
  "session_token",
  "sessionToken",
  "password",
  "client_secret",
  "refresh_token",
  "access_token",
  "authorization",
  "private_key",
];

export interface CreateLoggerOptions {
  level?: LoggerOptions["level"];
  /** Setting names (last path segment) to hide, in addition to {@link ALWAYS_SECRET_KEYS}. */
  secretKeys?: readonly string[];
  secrets?: SecretRegistry;
  destination?: DestinationStream;
}

export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const keys = new Set([...ALWAYS_SECRET_KEYS, ...(options.secretKeys ?? [])].map((k) => k.toLowerCase()));
  const secrets = options.secrets;
  const scrub = (value: unknown): unknown => {
    if (typeof value === "string") return secrets ? secrets.redact(value) : value;
    if (Array.isArray(value)) return value.map(scrub);
    if (value && typeof value === "object" && !(value instanceof Date)) {
      if (value instanceof Error) return { type: value.name, message: scrub(value.message) };
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, keys.has(k.toLowerCase()) ? "[REDACTED]" : scrub(v)]),
      );
    }
    return value;
  };
  const opts: LoggerOptions = {
    level: options.level ?? process.env.CONVEYOR_LOG_LEVEL ?? "info",
    base: undefined,
    formatters: { log: (obj) => scrub(obj) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => (typeof a === "string" ? (scrub(a) as string) : a)) as typeof args);
      },
    },
  };
  return options.destination ? pino(opts, options.destination) : pino(opts, pino.destination(2));
}
