/**
 * Treasure Workflow (digdag) files in the seed's form, as conveyor jobs:
 *
 *   _export: { td: { database: amc_db } }
 *   +amc_task:
 *     td>: upload.sql
 *     database: ${td.database}
 *     result_connection: new_amc_auth
 *     result_settings: { type: amazon_marketing_cloud, target: dataset, … }
 *
 * The query's result is the job's input (`conveyor run workflow.dig --input rows.csv`): the
 * `td>` query is not run. `result_connection` names a connection in conveyor.config.yaml
 * (`connections:`) holding the credentials — its Login with Amazon keys become the job's `api`
 * credential, its S3 keys the `staging` credential; `result_settings` are the destination's settings.
 */
import { extname } from "node:path";
import { ConnectorError, invalidInput } from "@conveyor/core";

/** `result_settings.type` → the destination plugin it runs. */
const RESULT_TYPES: Record<string, string> = { amazon_marketing_cloud: "amazon-marketing-cloud" };

/** The connection's Login with Amazon keys → the login-with-amazon credential's settings. */
const LWA_KEYS: Record<string, string> = { lwa_client_id: "client_id", lwa_client_secret: "client_secret", lwa_refresh_token: "refresh_token", region: "region" };

/** Connection keys that are not destination settings: its type and its credentials'. */
const CONNECTION_ONLY = new Set(["type", "s3_credential", "auth_method", "access_key_id", "secret_access_key", "session_token", "account_id", "role_name", "external_id", "duration_in_seconds", "s3_region", "s3_endpoint", ...Object.keys(LWA_KEYS)]);

/** Keys a digdag task may have besides its operator; others are refused so typos are seen. */
const TASK_KEYS = new Set(["td>", "database", "result_connection", "result_settings", "engine", "priority", "retry", "_retry", "_export", "_error", "timezone", "store_last_results", "preview"]);

/** The AMC settings a broken indentation leaves at the top level (the seed's upload example). */
const SETTING_NAMES = new Set(["target", "operation", "dataset_id", "create_dataset", "dataset_definition", "update_strategy", "country_code", "bucket", "path_prefix", "file_name_prefix", "wait_until_finish", "clean_upload_file", "amc_instance_id", "amc_account_id", "audience_name", "audience_description", "advertiser_id", "query", "time_window_start", "time_window_end", "refresh_rate_days", "time_window_relative"]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A `.dig` file, or a document whose `+task` carries `result_settings` (the workflow form in a .yaml file). */
export function isDigWorkflow(path: string, raw: unknown): boolean {
  if (extname(path).toLowerCase() === ".dig") return true;
  if (!isObject(raw)) return false;
  return Object.entries(raw).some(([key, value]) => key.startsWith("+") && isObject(value) && ("result_settings" in value || "td>" in value));
}

const problem = (message: string, details?: Record<string, unknown>): ConnectorError => invalidInput("workflow.invalid", message, details);

export interface WorkflowConnections {
  /** The host's named connections (`result_connection: NAME`): credentials and settings a workflow may not change. */
  connections: Readonly<Record<string, Record<string, unknown>>>;
  /** Where the connections are kept, for messages (default conveyor.config.yaml). */
  source?: string;
  /**
   * The settings of a destination plugin that a workflow's result_settings may set (its
   * per-job settings). Anything else — endpoints, secrets, the account — belongs to the
   * connection: a workflow that could set them could send the connection's secrets elsewhere.
   */
  jobSettings(plugin: string): readonly string[];
}

/** The raw job (validated afterwards like any job file) for the workflow's one export task. */
export function digWorkflowToJob(raw: unknown, options: WorkflowConnections): unknown {
  if (!isObject(raw)) throw problem("workflow: must be a YAML mapping with _export: and one +task:");
  const stray = Object.keys(raw).filter((k) => SETTING_NAMES.has(k));
  if (stray.length > 0) {
    throw problem(`workflow: ${stray.join(", ")} ${stray.length > 1 ? "are" : "is"} at the top level; indent ${stray.length > 1 ? "them" : "it"} under the task's result_settings:, at the same indentation as its type:`, { keys: stray });
  }
  const unknown = Object.keys(raw).filter((k) => !k.startsWith("+") && !k.startsWith("_") && k !== "timezone" && k !== "schedule");
  if (unknown.length > 0) throw problem(`workflow: unknown top-level key${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}; expected _export: and +task: entries`);
  const exported = raw._export === undefined ? {} : raw._export;
  if (!isObject(exported)) throw problem("workflow._export: must be a mapping such as { td: { database: amc_db } }");

  const tasks = Object.entries(raw).filter(([k]) => k.startsWith("+"));
  const exports = tasks.filter(([, v]) => isObject(v) && "result_settings" in v);
  if (exports.length === 0) throw problem(`workflow: no task with result_settings:${tasks.length ? ` (tasks: ${tasks.map(([k]) => k).join(", ")})` : ""}; an export task has td>:, result_connection: and result_settings:`);
  if (exports.length > 1) throw problem(`workflow: conveyor runs one export task per workflow file; found ${exports.map(([k]) => k).join(", ")}`);
  const [taskKey, taskValue] = exports[0]!;
  const task = taskValue as Record<string, unknown>;
  const at = `workflow.${taskKey}`;
  const extra = Object.keys(task).filter((k) => !TASK_KEYS.has(k));
  if (extra.length > 0) throw problem(`${at}: unknown key${extra.length > 1 ? "s" : ""} ${extra.join(", ")}; a td> export task takes td>, database, result_connection and result_settings`);

  const variables = { ...exported, ...(isObject(task._export) ? task._export : {}) };
  const settings = interpolate(task.result_settings, variables, `${at}.result_settings`);
  if (!isObject(settings)) throw problem(`${at}.result_settings: must be a mapping with type: amazon_marketing_cloud and the destination's settings`);
  const type = settings.type;
  const plugin = typeof type === "string" ? RESULT_TYPES[type] : undefined;
  if (!plugin) throw problem(`${at}.result_settings.type: must be ${Object.keys(RESULT_TYPES).map((t) => JSON.stringify(t)).join(" or ")}${type === undefined ? "" : `, not ${JSON.stringify(type)}`}`);

  const where = options.source ?? "conveyor.config.yaml";
  const connectionName = task.result_connection;
  if (typeof connectionName !== "string" || connectionName === "") throw problem(`${at}.result_connection: is required: the name of a connection under connections: in ${where}`);
  const connection = options.connections[connectionName];
  if (!connection) {
    const known = Object.keys(options.connections);
    throw problem(`${at}.result_connection: no connection "${connectionName}" in ${where}${known.length ? `; it has ${known.join(", ")}` : "; it has no connections: section"}`, { connection: connectionName });
  }
  if (connection.type !== undefined && connection.type !== type) {
    throw problem(`connections.${connectionName}.type: is ${JSON.stringify(connection.type)} but the task's result_settings.type is ${JSON.stringify(type)}`);
  }
  if (connection.lwa_endpoint !== undefined) {
    throw problem(`connections.${connectionName}.lwa_endpoint: the Login with Amazon token endpoint is the host's alone (it receives the client secret and refresh token); set platform.lwa_endpoint in ${where} instead`);
  }
  const api = apiCredentialOf(connection);
  const staging = stagingCredentialOf(connection, connectionName);

  const fromConnection = Object.fromEntries(Object.entries(connection).filter(([k]) => !CONNECTION_ONLY.has(k)));
  const { type: _type, ...fromTask } = settings;
  const perJob = new Set(options.jobSettings(plugin));
  // A workflow fills in the per-job settings the connection leaves open; it never changes what
  // the connection (or its credentials) holds, nor sets anything else.
  const { type: _connectionType, s3_credential: _s3, ...connectionKeys } = connection;
  const held = { ...staging?.settings, ...connectionKeys };
  const changed = Object.keys(fromTask).filter((key) => held[key] !== undefined && !sameValue(fromTask[key], held[key]));
  const notPerJob = Object.keys(fromTask).filter((key) => !perJob.has(key) && held[key] === undefined);
  const connectionText = `the connection "${connectionName}" in ${where}`;
  if (changed.length > 0) {
    throw problem(`${at}.result_settings: ${changed.join(", ")} ${changed.length > 1 ? "are" : "is"} set by ${connectionText}; a workflow cannot change ${changed.length > 1 ? "them" : "it"} (remove ${changed.length > 1 ? "them" : "it"} from result_settings)`, { settings: changed });
  }
  if (notPerJob.length > 0) {
    throw problem(
      `${at}.result_settings: ${notPerJob.join(", ")} cannot be set by a workflow: ${notPerJob.length > 1 ? "they belong" : "it belongs"} to ${connectionText}; a workflow may set ${[...perJob].join(", ") || "nothing"}`,
      { settings: notPerJob },
    );
  }
  const database = typeof task.database === "string" ? interpolate(task.database, variables, `${at}.database`) : undefined;
  const query = typeof task["td>"] === "string" ? task["td>"] : undefined;
  return {
    name: jobName(taskKey),
    description: `digdag task ${taskKey}${query ? ` (td>: ${query}` : " ("}${database ? `${query ? ", " : ""}database ${String(database)}` : ""}); its result is the input`,
    ...(api || staging ? { credentials: { ...(api ? { api } : {}), ...(staging ? { staging } : {}) } } : {}),
    destination: { plugin, settings: { ...fromConnection, ...fromTask } },
  };
}

interface CredentialRef {
  plugin: string;
  settings: Record<string, unknown>;
}

/** The Amazon Ads API credential: the connection's `lwa_*` keys as a login-with-amazon credential. */
function apiCredentialOf(connection: Record<string, unknown>): CredentialRef | undefined {
  const settings = Object.fromEntries(Object.entries(LWA_KEYS).filter(([key]) => connection[key] !== undefined).map(([key, setting]) => [setting, connection[key]]));
  return Object.keys(settings).length > 0 ? { plugin: "login-with-amazon", settings } : undefined;
}

/** The S3 staging credential: `s3_credential: { plugin, settings }`, or the seed's TD-style keys (auth_method basic / session / assume_role). */
function stagingCredentialOf(connection: Record<string, unknown>, name: string): CredentialRef | undefined {
  const explicit = connection.s3_credential;
  if (explicit !== undefined) {
    if (!isObject(explicit) || typeof explicit.plugin !== "string") throw problem(`connections.${name}.s3_credential: must be { plugin: aws-access-key | aws-assume-role | iam-role-to-role, settings: {…} }`);
    return { plugin: explicit.plugin, settings: isObject(explicit.settings) ? explicit.settings : {} };
  }
  const method = connection.auth_method;
  if (method === undefined) return undefined;
  const where = {
    ...(connection.s3_region !== undefined ? { region: connection.s3_region } : {}),
    ...(connection.s3_endpoint !== undefined ? { endpoint: connection.s3_endpoint } : {}),
  };
  const pick = (...keys: string[]) => Object.fromEntries(keys.filter((k) => connection[k] !== undefined).map((k) => [k, connection[k]]));
  if (method === "basic" || method === "session") {
    return { plugin: "aws-access-key", settings: { auth_method: method, ...pick("access_key_id", "secret_access_key", "session_token"), ...where } };
  }
  if (method === "assume_role") {
    return {
      plugin: "aws-assume-role",
      settings: { auth_method: method, ...pick("account_id", "role_name", "external_id"), ...(connection.duration_in_seconds !== undefined ? { duration_seconds: connection.duration_in_seconds } : {}), ...where },
    };
  }
  throw problem(`connections.${name}.auth_method: must be basic, session or assume_role${method === "anonymous" ? " (anonymous is not supported)" : ""}, or give s3_credential: { plugin, settings }`);
}

const sameValue = (a: unknown, b: unknown) => b !== undefined && JSON.stringify(a) === JSON.stringify(b);

/** `+amc_task` → `amc_task`, kept to the characters a job name allows. */
function jobName(taskKey: string): string {
  const name = taskKey.slice(1).replace(/[^A-Za-z0-9_.-]/g, "_").replace(/^[^A-Za-z0-9]+/, "");
  return (name || "workflow").slice(0, 128);
}

/**
 * digdag's `${td.database}` from `_export`. Conveyor's own references (`${env:NAME}`,
 * `${file:…}`) have a colon and are left for the job's validation to resolve.
 */
function interpolate(value: unknown, variables: Record<string, unknown>, path: string): unknown {
  if (typeof value === "string") {
    return value.replace(/\$\{([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)\}/g, (_, name: string) => {
      const found = name.split(".").reduce<unknown>((v, k) => (isObject(v) ? v[k] : undefined), variables);
      if (found === undefined || isObject(found) || Array.isArray(found)) throw problem(`${path}: \${${name}} is not defined in _export:`);
      return String(found);
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, variables, `${path}.${i}`));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, variables, `${path}.${k}`)]));
  return value;
}
