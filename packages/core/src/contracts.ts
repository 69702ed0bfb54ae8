import type { Readable } from "node:stream";
import type { Logger } from "pino";
import type { ConnectorErrorJson, ErrorCategory, WorkflowAction } from "./errors.js";
import type { Row, Schema } from "./schema.js";
import type { Clock, ProgressReporter, TempStore } from "./services.js";

/** The unit that flows between file stages: a relative name and a byte stream. */
export interface OutputFile {
  /** Relative name, `/` separating folders, e.g. `exports_2025_01_31.parquet/part-00000.parquet`. */
  readonly name: string;
  readonly body: Readable;
  readonly contentType: string;
}

/** What every file stage is given for one run. */
export interface StageContext {
  readonly schema: Schema;
  /** The rendered file-name template `T`, without extensions. */
  readonly baseName: string;
  /**
   * The name (without extension) of split file `n` (1-based): the template rendered with
   * `file_number = n` when it uses `{{ file_number }}`, otherwise `T/000000n`.
   */
  partName(n: number): string;
  readonly signal: AbortSignal;
  readonly tempStore: TempStore;
  readonly logger: Logger;
}

/** Rows → files. A formatter yields a file, and the next only once that file's body has been read. */
export interface Formatter {
  readonly extension: string;
  readonly contentType: string;
  format(rows: AsyncIterable<Row>, context: StageContext): AsyncIterable<OutputFile>;
}

/** Files → files: one `.gz` per file, or all files into one archive named after `T`. */
export interface Compressor {
  readonly extension: string;
  compress(files: AsyncIterable<OutputFile>, context: StageContext): AsyncIterable<OutputFile>;
}

/** File → file, e.g. an OpenPGP message with `.pgp` appended. */
export interface Encryptor {
  readonly extension: string;
  encrypt(file: OutputFile, context: StageContext): Promise<OutputFile>;
}

/** An object (or local file) that has been completely written. */
export interface WrittenObject {
  /** Where it landed: an object key, or a path relative to the sink's root. */
  readonly key: string;
  readonly size: number;
  /** Lowercase hex SHA-256 of the bytes as written. */
  readonly sha256: string;
}

/** Where files end up. A sink writes one file completely before returning. */
export interface FileSink {
  write(file: OutputFile, signal?: AbortSignal): Promise<WrittenObject>;
}

/** One line of a connection test: "Continue"/"Save" in a host, `conveyor test-connection`. */
export interface ConnectionCheck {
  readonly name: string;
  readonly status: "ok" | "warning" | "failed";
  readonly message: string;
  readonly error?: ConnectorErrorJson;
}

/** Run-scoped services and values a credential or destination works with. */
export interface PluginContext {
  readonly runId: string;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  readonly tempStore: TempStore;
  readonly progress: ProgressReporter;
}

/**
 * A credential resolves to what a destination needs (for AWS: a credential identity provider
 * that refreshes itself, plus region/endpoint/bucket), and can test itself.
 */
export interface Credential<Resolved = unknown> {
  resolve(context: PluginContext): Promise<Resolved>;
  /** `scope` says where the destination will write, so a probe of the storage goes there. */
  test(context: PluginContext, scope?: ConnectionScope): Promise<ConnectionCheck[]>;
}

/** Where a destination writes: its key prefix, for credentials whose test probes storage. */
export interface ConnectionScope {
  readonly prefix?: string;
}

/** Resolves the file stages a destination composes, by id, through the host (never by import). */
export interface StageResolver {
  formatter(id: string, settings: unknown): Formatter;
  compressor(id: string, settings: unknown): Compressor;
  encryptor(id: string, settings: unknown): Encryptor;
}

/** Named steps of a run; a retried run skips the ones an earlier attempt completed. */
export interface RunTasks {
  /**
   * Runs `fn` as the task `name`, recording its state; if an earlier attempt of this run
   * completed the task, returns that attempt's (JSON) result without running `fn`.
   */
  run<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** The result an earlier attempt recorded for `name`, if it completed. */
  previous<T>(name: string): T | undefined;
}

export interface DestinationContext extends PluginContext {
  /**
   * What the job's credential of `role` (default: the job's `credential:`) resolved to, resolved
   * once, on first use. It is of a kind the destination accepts for that role (validation and the
   * run refuse any other), so the destination names that kind's connection type:
   * `credential<AwsConnection>("staging")`. Rejects with `credential.missing` when the job has none.
   */
  credential<T = unknown>(role?: string): Promise<T>;
  /** The job's credentials themselves, by role (their tests are part of the destination's). */
  readonly credentialPlugins: Readonly<Record<string, Credential>>;
  /** The `default` role's, for a one-credential destination: `credentialPlugins.default`. */
  readonly credentialPlugin?: Credential;
  readonly stages: StageResolver;
  readonly tasks: RunTasks;
  warn(message: string): void;
}

export interface SendRequest {
  readonly rows: AsyncIterable<Row>;
  readonly schema: Schema;
  /** The rendered file-name template `T`. */
  readonly baseName: string;
  partName(n: number): string;
  /** Data-template overrides of destination settings (success file, header…). */
  readonly overrides: Readonly<Record<string, unknown>>;
}

export interface SkippedRows {
  readonly reason: string;
  readonly count: number;
}

export interface SendReport {
  readonly objects: readonly WrittenObject[];
  readonly rows: number;
  readonly bytes: number;
  readonly skippedRows?: readonly SkippedRows[];
  readonly warnings?: readonly string[];
  /** Destination-specific facts for the report (upload id, audience id…). */
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface Destination {
  test(context: DestinationContext): Promise<ConnectionCheck[]>;
  send(request: SendRequest, context: DestinationContext): Promise<SendReport>;
}

/** A message for a person: a failed run, a disabled schedule… with what to do about it. */
export interface Notification {
  id: string;
  /** What happened, e.g. `run-failed`, `schedule-disabled`. */
  kind: string;
  level: "info" | "warning" | "error";
  title: string;
  message: string;
  created_at: string;
  /** The run it is about, for a host to open (its tasks, error and workflow actions). */
  run_id?: string;
  error?: { code: string; message: string; category: ErrorCategory };
  /** The workflow actions, each with its numbered steps, the error's own first. */
  actions: WorkflowAction[];
}

/**
 * A notification channel: what a plugin of kind `notifier` registers under
 * `implementationToken("notifier", id)`. Throwing means the delivery failed.
 */
export interface Notifier {
  notify(notification: Notification, context?: NotifierContext): Promise<void>;
}

export interface NotifierContext {
  signal?: AbortSignal;
}
