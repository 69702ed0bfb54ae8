import type { DependencyContainer } from "tsyringe";
import type { z } from "zod";
import type { Problem } from "./settings/problems.js";

/** The plugin API this core implements; a plugin declaring another is refused. */
export const API_VERSION = 1;

export const PLUGIN_KINDS = ["credential", "destination", "formatter", "compressor", "encryptor", "notifier"] as const;
export type PluginKind = (typeof PLUGIN_KINDS)[number];

export interface StageReference {
  kind: "formatter" | "compressor" | "encryptor";
  id: string;
  settings: unknown;
  /**
   * The setting of the composing plugin that names or stands for the stage (`format`,
   * `pgp_public_key`): an unknown stage id, and any stage problem not placed more precisely
   * below, is reported there.
   */
  path: string;
  /**
   * The setting that holds the stage's settings as they are passed on (`format_settings`): a
   * stage problem is reported at its own path inside it (`format_settings.quote_mode`).
   */
  settingsPath?: string;
  /**
   * Stage settings the composing plugin passes through under its own names
   * (`{ quote_mode: "quote_mode" }`): their problems are reported there.
   */
  settingPaths?: Record<string, string>;
}

/** The role a job's `credential:` fills; a job's other credentials are named under `credentials:`. */
export const DEFAULT_CREDENTIAL_ROLE = "default";

/** One credential a destination takes: the kinds it accepts there, and whether every job gives it. */
export interface CredentialRole {
  /** Credential kinds (a credential plugin's `provides`), e.g. `["aws"]`. */
  readonly accepts: readonly string[];
  /**
   * Every job needs it. Without it a job may leave it out (a destination that needs it for some
   * of its operations only says so itself).
   */
  readonly required?: boolean;
}

/** The one definition object every plugin package exports. */
export interface ConnectorPlugin<Settings extends z.ZodType = z.ZodType, Platform extends z.ZodType = z.ZodType> {
  /** Unique per kind, lowercase: `amazon-s3`, `csv`, `iam-role-to-role`. */
  readonly id: string;
  readonly kind: PluginKind;
  readonly version: string;
  readonly apiVersion: number;
  readonly displayName: string;
  readonly description: string;
  /**
   * The settings a user types; the source of validation, types and JSON Schema. A destination's
   * must be a `z.object`, or a (discriminated) union of them, one per mode: core adds the access switches (`allow_business_users`,
   * `allow_restricted_pii`) to it, so a destination does not declare them.
   */
  readonly settings: Settings;
  /** Dotted paths within the settings that hold secrets (hidden in logs, `writeOnly` in JSON Schema). */
  readonly secrets?: readonly string[];
  /**
   * Settings besides the secrets that may hold a `${file:…}`/`${env:…}` reference, when the
   * host enables references: values that are not secret but live in files (a PGP public key).
   */
  readonly referenceSettings?: readonly string[];
  /**
   * For a destination, the settings a job may set over a saved connection's (a workflow's
   * result_settings): what changes per export. The rest — endpoints, secrets, the account —
   * belong to the connection and no job can change them.
   */
  readonly jobSettings?: readonly string[];
  /** Settings the host provides (never typed by users), read from `conveyor.config.yaml` / `CONVEYOR_*`. */
  readonly platformSettings?: Platform;
  /** Secret paths within the platform settings. */
  readonly platformSecrets?: readonly string[];
  /**
   * For a credential, the kind of connection it resolves to (`aws`): what a destination's
   * credential roles accept. A credential without one fits no destination that takes credentials.
   */
  readonly provides?: string;
  /**
   * For a destination, the credentials it takes, by role (`{ api: …, staging: … }`). The role
   * `default` is the job's `credential:`, so a one-credential destination declares only it:
   * `{ default: { accepts: ["aws"], required: true } }`. Without `credentials` it takes none.
   */
  readonly credentials?: Readonly<Record<string, CredentialRole>>;
  /** Checks across fields beyond the schema: save-time warnings and refusals. */
  check?(settings: z.output<Settings>): Problem[] | Promise<Problem[]>;
  /**
   * Checks of the platform settings beyond their schema (paths within them), e.g. that the host's
   * base identity is configured: a host mistake is told at validate, not met at run time.
   */
  checkPlatform?(platform: z.output<Platform>): Problem[];
  /**
   * The stage plugins these settings compose (a destination's formatter, compressor,
   * encryptor), so validation checks their settings too — a bad PGP key is refused when the
   * destination is saved, not discovered at run time. Each reference says where, within this
   * plugin's settings, a problem of that stage is reported.
   */
  composes?(settings: z.output<Settings>): StageReference[];
  /** Binds the implementation under `implementationToken(kind, id)`. */
  register(container: DependencyContainer): void;
}

/** Identity function that gives a plugin definition its types. */
export function definePlugin<S extends z.ZodType, P extends z.ZodType = z.ZodType>(
  plugin: ConnectorPlugin<S, P>,
): ConnectorPlugin<S, P> {
  return plugin;
}
