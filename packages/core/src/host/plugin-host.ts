import "reflect-metadata";
import { realpath, stat } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { container as globalContainer, type DependencyContainer } from "tsyringe";
import { invalidInput } from "../errors.js";
import { noCompressionPlugin } from "../pipeline/identity.js";
import { jsonLinesPlugin } from "../pipeline/json-lines.js";
import { API_VERSION, PLUGIN_KINDS, type ConnectorPlugin, type CredentialRole, type PluginKind, type StageReference } from "../plugin.js";
import { destinationAccessSettings } from "../policy/access.js";
import { DEFAULT_RETRY_POLICY } from "../retry.js";
import {
  createLogger,
  OsTempStore,
  SecretRegistry,
  systemClock,
  type Logger,
} from "../services.js";
import { joinPath, problemsFromZod, settingsInvalid, type Problem } from "../settings/problems.js";
import {
  objectKeys,
  unknownPlatformSettings,
  validatePlatformSettings,
  validateSettings,
  type ValidatedSettings,
} from "../settings/validate.js";
import type { ReferenceEnvironment } from "../settings/references.js";
import { implementationToken, TOKENS } from "../tokens.js";
import { findPackageDir, readPackage, type PackageInfo } from "./manifest.js";

export interface LoadedPlugin {
  readonly plugin: ConnectorPlugin;
  /** The package that provided it, when loaded from one. */
  readonly packageName?: string;
  /** Where it was loaded from: a package name, a path, or "built-in". */
  readonly source: string;
}

export interface RefusedPlugin {
  readonly source: string;
  readonly reason: string;
}

/** A plugin's validated settings and platform settings, from which its implementation is made. */
export interface PluginSettings {
  readonly plugin: ConnectorPlugin;
  readonly settings: unknown;
  readonly platform: unknown;
}

export interface PluginHostOptions {
  logger?: Logger;
  /** Host-provided settings (platform role, External ID, endpoints…), by snake_case key. */
  platform?: Record<string, unknown>;
  secrets?: SecretRegistry;
}

/**
 * Loads plugins, keeps them by kind and id, and creates their implementations in DI containers.
 * The core knows no plugin by name: everything is resolved by kind + id.
 */
export class PluginHost {
  readonly container: DependencyContainer;
  readonly secrets: SecretRegistry;
  readonly logger: Logger;
  readonly platform: Record<string, unknown>;
  private readonly plugins = new Map<string, LoadedPlugin>();
  private readonly refusals: RefusedPlugin[] = [];
  /** Real paths of the modules already imported: a package met twice (named and discovered) loads once. */
  private readonly loadedModules = new Set<string>();

  constructor(options: PluginHostOptions = {}) {
    this.secrets = options.secrets ?? new SecretRegistry();
    this.platform = options.platform ?? {};
    this.logger = options.logger ?? createLogger({ secrets: this.secrets });
    this.container = globalContainer.createChildContainer();
    this.container.register(TOKENS.logger, { useValue: this.logger });
    this.container.register(TOKENS.clock, { useValue: systemClock });
    this.container.register(TOKENS.tempStore, { useValue: new OsTempStore() });
    this.container.register(TOKENS.retryPolicy, { useValue: DEFAULT_RETRY_POLICY });
    this.container.register(TOKENS.secrets, { useValue: this.secrets });
    this.add(noCompressionPlugin, "built-in");
    this.add(jsonLinesPlugin, "built-in");
  }

  /** Plugins refused while loading, with the reason (the others still load). */
  get refused(): readonly RefusedPlugin[] {
    return this.refusals;
  }

  /**
   * Registers a plugin definition. A definition that is malformed, targets another plugin API,
   * or repeats an id of its kind is refused (recorded in `refused`) and `false` returned.
   */
  add(candidate: unknown, source: string, packageName?: string): boolean {
    const problem = definitionProblem(candidate);
    if (problem) return this.refuse(source, problem);
    const plugin = candidate as ConnectorPlugin;
    if (plugin.apiVersion !== API_VERSION) {
      return this.refuse(source, `plugin "${plugin.id}" targets plugin API ${plugin.apiVersion}; this host supports ${API_VERSION}`);
    }
    const key = `${plugin.kind}:${plugin.id}`;
    const existing = this.plugins.get(key);
    if (existing) {
      return this.refuse(source, `${plugin.kind} id "${plugin.id}" is already provided by ${existing.source}, which is kept`);
    }
    plugin.register(this.container);
    this.plugins.set(key, { plugin, source, ...(packageName ? { packageName } : {}) });
    return true;
  }

  /** Loads the plugins a package declares in its package.json `conveyor` manifest. */
  async loadPackage(name: string, fromDir = process.cwd()): Promise<number> {
    const dir = await findPackageDir(name, fromDir);
    if (!dir) return this.refuseCount(name, `package "${name}" is not installed (looked from ${fromDir})`);
    return this.loadPackageDir(await readPackage(dir), name);
  }

  /** Loads a plugin package directory (with a manifest) or a single module file. */
  async loadPath(path: string, baseDir = process.cwd()): Promise<number> {
    const full = isAbsolute(path) ? path : resolve(baseDir, path);
    let isDir: boolean;
    try {
      isDir = (await stat(full)).isDirectory();
    } catch {
      return this.refuseCount(path, `no file or directory at ${full}`);
    }
    if (isDir) {
      try {
        return await this.loadPackageDir(await readPackage(full), path);
      } catch (error) {
        return this.refuseCount(path, `cannot read ${full}/package.json: ${(error as Error).message}`);
      }
    }
    return this.loadModule(full, path);
  }

  /** Loads every dependency of the project at `projectDir` whose package.json declares plugins. */
  async discover(projectDir = process.cwd()): Promise<number> {
    const project = await readPackage(projectDir);
    let count = 0;
    for (const dep of project.dependencies) {
      const dir = await findPackageDir(dep, projectDir);
      if (!dir) continue;
      const info = await readPackage(dir);
      if (info.manifest) count += await this.loadPackageDir(info, dep);
    }
    return count;
  }

  list(kind?: PluginKind): LoadedPlugin[] {
    return [...this.plugins.values()].filter((p) => kind === undefined || p.plugin.kind === kind);
  }

  /** The plugin of `kind` with `id`, if loaded. */
  find(kind: PluginKind, id: string): ConnectorPlugin | undefined {
    return this.plugins.get(`${kind}:${id}`)?.plugin;
  }

  /** The plugin of `kind` with `id`; `plugin.unknown` (exit 2) naming the ids there are. */
  get(kind: PluginKind, id: string): ConnectorPlugin {
    const found = this.find(kind, id);
    if (found) return found;
    const available = this.list(kind).map((p) => p.plugin.id);
    throw invalidInput("plugin.unknown", unknownPluginMessage(this, kind, id), { kind, id, available });
  }

  /** Plugins with this id, whatever their kind (for `conveyor schema <id>`). */
  findById(id: string): ConnectorPlugin[] {
    return this.list().filter((p) => p.plugin.id === id).map((p) => p.plugin);
  }

  /** Validates user settings for a plugin (and its platform settings), collecting every problem. */
  async validate(kind: PluginKind, id: string, raw: unknown, path: string, environment: ReferenceEnvironment = {}): Promise<Problem[]> {
    const plugin = this.get(kind, id);
    const env = { secrets: this.secrets, ...environment };
    const user = await validateSettings(plugin, raw, path, env);
    const platform = validatePlatformSettings(plugin, this.platform, env);
    const stages = await this.validateStages(plugin, user, path);
    // A stage may say what the composing plugin says too: each problem once.
    const seen = new Set<string>();
    return [...user.problems, ...platform.problems, ...stages].filter((p) => {
      const key = `${p.severity}|${p.path}|${p.message}`;
      return !seen.has(key) && seen.add(key) !== undefined;
    });
  }

  /**
   * Platform settings the host passed that no loaded plugin takes, as warnings: they are the
   * host's, not a job's, so they are checked against every loaded plugin.
   */
  platformProblems(): Problem[] {
    return unknownPlatformSettings(this.list().map((p) => p.plugin), this.platform);
  }

  /**
   * Problems of the stages a plugin composes, placed where the user typed them: an unknown stage
   * id at the setting naming it, a stage's own problems inside the settings passed to it (or at
   * the composing plugin's names for them). Settings with errors still compose what they can.
   */
  private async validateStages(plugin: ConnectorPlugin, user: ValidatedSettings<unknown>, path: string): Promise<Problem[]> {
    const settings = user.value ?? user.salvaged;
    if (settings === undefined || !plugin.composes) return [];
    let stages: StageReference[];
    try {
      stages = plugin.composes(settings);
    } catch (error) {
      // Salvaged settings may lack what composing needs; their own errors already refuse them.
      if (user.value !== undefined) throw error;
      return [];
    }
    const problems: Problem[] = [];
    for (const stage of stages) {
      const at = joinPath(path, stage.path);
      const found = this.find(stage.kind, stage.id);
      if (!found) {
        problems.push({ path: at, message: unknownPluginMessage(this, stage.kind, stage.id), severity: "error", code: "plugin.unknown" });
        continue;
      }
      const result = await validateSettings(found, stage.settings, "", { secrets: this.secrets });
      for (const problem of result.problems) problems.push({ ...problem, path: stagePath(stage, path, problem.path) });
    }
    return problems;
  }

  /**
   * Validates a plugin's settings and the host's platform settings for it, remembering the
   * secrets among them. Throws `settings.invalid` with every problem.
   */
  async settings(kind: PluginKind, id: string, raw: unknown, options: { path?: string; environment?: ReferenceEnvironment } = {}): Promise<PluginSettings> {
    const plugin = this.get(kind, id);
    const path = options.path ?? `${kind}.settings`;
    const env = { secrets: this.secrets, ...options.environment };
    const user = await validateSettings(plugin, raw, path, env);
    const platform = validatePlatformSettings(plugin, this.platform, env);
    if (user.value === undefined || platform.value === undefined) throw settingsInvalid([...user.problems, ...platform.problems]);
    this.rememberSecrets(plugin, user.value, platform.value);
    return { plugin, settings: user.value, platform: platform.value };
  }

  /** The implementation of a plugin with its validated settings, in a child of `parent`. */
  instantiate<T>(validated: PluginSettings, parent?: DependencyContainer): T {
    return this.construct<T>(validated.plugin, validated.settings, validated.platform, parent);
  }

  /**
   * Creates the implementation of a plugin in a child of `parent` holding its validated
   * settings (and platform settings). Throws `settings.invalid` with every problem.
   */
  async create<T>(
    kind: PluginKind,
    id: string,
    raw: unknown,
    options: { parent?: DependencyContainer; path?: string; environment?: ReferenceEnvironment } = {},
  ): Promise<T> {
    return this.instantiate<T>(await this.settings(kind, id, raw, options), options.parent);
  }

  /**
   * Synchronous variant for stages a destination composes at run time (settings it already
   * validated as part of its own): parses with the schema, skips async checks.
   */
  createSync<T>(kind: PluginKind, id: string, raw: unknown, parent?: DependencyContainer): T {
    const plugin = this.get(kind, id);
    const parsed = plugin.settings.safeParse(raw ?? {}, { reportInput: true });
    if (!parsed.success) throw settingsInvalid(problemsFromZod(parsed.error, `${kind}.${id}`));
    return this.construct<T>(plugin, parsed.data, {}, parent);
  }

  /** A container for one run: run-scoped values live here, never in the root. */
  createRunContainer(runId: string, overrides: Partial<Record<keyof typeof TOKENS, unknown>> = {}): DependencyContainer {
    const child = this.container.createChildContainer();
    child.register(TOKENS.logger, { useValue: this.logger.child({ run_id: runId }) });
    child.register(TOKENS.tempStore, { useValue: new OsTempStore() });
    for (const [name, value] of Object.entries(overrides)) {
      child.register(TOKENS[name as keyof typeof TOKENS], { useValue: value });
    }
    return child;
  }

  private construct<T>(plugin: ConnectorPlugin, settings: unknown, platform: unknown, parent?: DependencyContainer): T {
    const scope = (parent ?? this.container).createChildContainer();
    scope.register(TOKENS.settings, { useValue: settings });
    scope.register(TOKENS.platformSettings, { useValue: platform });
    return scope.resolve<T>(implementationToken(plugin.kind, plugin.id));
  }

  private rememberSecrets(plugin: ConnectorPlugin, settings: unknown, platform: unknown): void {
    for (const path of plugin.secrets ?? []) this.secrets.add(valueAt(settings, path));
    for (const path of plugin.platformSecrets ?? []) this.secrets.add(valueAt(platform, path));
  }

  private async loadPackageDir(info: PackageInfo, source: string): Promise<number> {
    if (!info.manifest) return this.refuseCount(source, `package "${info.name}" has no "conveyor" field in its package.json`);
    if (info.manifest.apiVersion !== API_VERSION) {
      return this.refuseCount(
        source,
        `package "${info.name}" targets plugin API ${info.manifest.apiVersion}; this host supports ${API_VERSION}`,
      );
    }
    let count = 0;
    for (const entry of info.manifest.plugins) count += await this.loadModule(resolve(info.dir, entry), source, info.name);
    return count;
  }

  private async loadModule(file: string, source: string, packageName?: string): Promise<number> {
    const real = await realpath(file).catch(() => file);
    if (this.loadedModules.has(real)) return 0;
    this.loadedModules.add(real);
    let module: Record<string, unknown>;
    try {
      module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    } catch (error) {
      return this.refuseCount(source, `importing ${file} failed: ${(error as Error).message ?? String(error)}`);
    }
    const exported = module.default ?? module.plugins ?? module.plugin;
    const definitions = Array.isArray(exported) ? exported : [exported];
    if (exported === undefined) return this.refuseCount(source, `${file} exports no plugin (expected a default export made with definePlugin)`);
    let count = 0;
    for (const definition of definitions) if (this.add(definition, source, packageName)) count++;
    return count;
  }

  private refuse(source: string, reason: string): false {
    this.refusals.push({ source, reason });
    // Hosts report refusals their own way (`refused`); the log keeps them for debugging only.
    this.logger.debug({ source, reason }, "plugin refused");
    return false;
  }

  private refuseCount(source: string, reason: string): 0 {
    this.refuse(source, reason);
    return 0;
  }
}

function definitionProblem(candidate: unknown): string | undefined {
  if (!candidate || typeof candidate !== "object") return "the module's export is not a plugin definition";
  const p = candidate as Partial<ConnectorPlugin>;
  if (typeof p.id !== "string" || !/^[a-z][a-z0-9-]*$/.test(p.id)) return `plugin id ${JSON.stringify(p.id)} must be lowercase letters, digits and "-"`;
  if (!PLUGIN_KINDS.includes(p.kind as PluginKind)) return `plugin "${p.id}" has kind ${JSON.stringify(p.kind)}; allowed: ${PLUGIN_KINDS.join(", ")}`;
  if (typeof p.register !== "function") return `plugin "${p.id}" has no register(container) function`;
  if (!p.settings || typeof (p.settings as { safeParse?: unknown }).safeParse !== "function") return `plugin "${p.id}" has no zod settings schema`;
  if (p.kind === "destination") {
    const keys = objectKeys(p.settings);
    if (!keys) return `destination "${p.id}" settings must be a z.object or a union of them: core adds the access switches to every destination's settings`;
    const own = Object.keys(destinationAccessSettings).filter((key) => keys.includes(key));
    if (own.length) return `destination "${p.id}" declares ${own.join(", ")} itself; core adds the access switches to every destination's settings`;
  }
  for (const [role, declared] of Object.entries(p.credentials ?? {})) {
    const accepts = (declared as Partial<CredentialRole> | undefined)?.accepts;
    if (!/^[a-z][a-z0-9_]*$/.test(role)) return `plugin "${p.id}" has credential role ${JSON.stringify(role)}; a role is lowercase letters, digits and "_"`;
    if (!Array.isArray(accepts) || accepts.length === 0 || !accepts.every((k) => typeof k === "string")) {
      return `plugin "${p.id}" credential role "${role}" accepts ${JSON.stringify(accepts)}; it must list credential kinds such as ["aws"]`;
    }
  }
  return undefined;
}

function unknownPluginMessage(host: PluginHost, kind: PluginKind, id: string): string {
  const known = host.list(kind).map((p) => p.plugin.id);
  const refused = host.refused.map((r) => `${r.source}: ${r.reason}`);
  return (
    `unknown ${kind} plugin "${id}"; ${known.length ? `available: ${known.join(", ")}` : `no ${kind} plugins are loaded`}` +
    (refused.length ? ` (refused while loading: ${refused.join("; ")})` : "")
  );
}

/** Where in the composing plugin's settings a stage's problem (at `problemPath` in its own) is reported. */
function stagePath(stage: StageReference, path: string, problemPath: string): string {
  const [head = "", ...rest] = problemPath.split(".");
  const own = stage.settingPaths?.[head];
  if (own !== undefined) return joinPath(path, own, ...rest);
  if (stage.settingsPath !== undefined) return joinPath(path, stage.settingsPath, problemPath);
  return joinPath(path, stage.path);
}

function valueAt(value: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((v, key) => (v && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined), value);
}

