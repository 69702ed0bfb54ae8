import { z } from "zod";
import type { ConnectorPlugin } from "../plugin.js";
import { destinationAccessSettings } from "../policy/access.js";
import { joinPath, problemsFromZod, type Problem } from "./problems.js";
import { resolveReferences, type ReferenceEnvironment } from "./references.js";

export interface ValidatedSettings<T> {
  /** Present when there are no errors (warnings may remain). */
  value?: T;
  /**
   * When there are errors: what of the settings still parses — the settings without errors,
   * defaults applied — so what they compose can still be checked (every problem at once).
   */
  salvaged?: Partial<T>;
  problems: Problem[];
}

/** A zod object schema, as far as core needs one (duck-typed: a plugin may bundle its own zod). */
interface ObjectSchema extends z.ZodType {
  shape: Record<string, z.ZodType>;
  safeExtend(shape: Record<string, z.ZodType>): z.ZodType;
}

export function isObjectSchema(schema: unknown): schema is ObjectSchema {
  const s = schema as Partial<ObjectSchema> | undefined;
  return typeof s?.shape === "object" && typeof s.safeExtend === "function";
}

/** The options of a zod union (a discriminated union of modes), else undefined. */
function unionOptions(schema: unknown): { options: readonly unknown[]; discriminator?: string } | undefined {
  const s = schema as { options?: unknown; _zod?: { def?: { type?: string; discriminator?: string } } } | undefined;
  if (s?._zod?.def?.type !== "union" || !Array.isArray(s.options)) return undefined;
  return { options: s.options, ...(s._zod.def.discriminator ? { discriminator: s._zod.def.discriminator } : {}) };
}

/**
 * The keys of a z.object, or of every z.object in a union of them (a discriminated union of
 * modes): what a destination's settings may be. Undefined for any other schema.
 */
export function objectKeys(schema: unknown): string[] | undefined {
  if (isObjectSchema(schema)) return Object.keys(schema.shape);
  const union = unionOptions(schema);
  if (!union) return undefined;
  const keys = union.options.map(objectKeys);
  return keys.every((k) => k !== undefined) ? [...new Set(keys.flat())] : undefined;
}

/** `schema` with `shape` added to its object, or to every object of its union. */
function extendObjects(schema: z.ZodType, shape: Record<string, z.ZodType>): z.ZodType {
  if (isObjectSchema(schema)) return schema.safeExtend(shape);
  const union = unionOptions(schema)!;
  const options = union.options.map((o) => extendObjects(o as z.ZodType, shape)) as [z.ZodObject, ...z.ZodObject[]];
  return union.discriminator ? z.discriminatedUnion(union.discriminator, options) : z.union(options);
}

const withAccessSwitches = new WeakMap<ConnectorPlugin, z.ZodType>();

/**
 * The schema a plugin's settings are validated with (and exported as JSON Schema): its own, and
 * for a destination the access switches core adds to every destination's settings.
 */
export function settingsSchemaOf(plugin: ConnectorPlugin): z.ZodType {
  if (plugin.kind !== "destination" || objectKeys(plugin.settings) === undefined) return plugin.settings;
  let schema = withAccessSwitches.get(plugin);
  if (!schema) {
    schema = extendObjects(plugin.settings, destinationAccessSettings);
    withAccessSwitches.set(plugin, schema);
  }
  return schema;
}

/**
 * Resolves value references (only in the plugin's secret settings), parses with the plugin's
 * schema, then runs the plugin's own cross-field checks — collecting every problem, each under
 * `path` (e.g. `destination.settings`).
 */
export async function validateSettings<P extends ConnectorPlugin>(
  plugin: P,
  raw: unknown,
  path: string,
  environment: ReferenceEnvironment = {},
): Promise<ValidatedSettings<z.output<P["settings"]>>> {
  type Output = z.output<P["settings"]>;
  const resolved = resolveReferences(raw ?? {}, environment, path, { allowedPaths: [...(plugin.secrets ?? []), ...(plugin.referenceSettings ?? [])] });
  if (resolved.problems.length > 0) return { problems: resolved.problems };
  const schema = settingsSchemaOf(plugin);
  // reportInput lets a message tell "missing" from "wrong type"; inputs are never printed.
  const parsed = schema.safeParse(resolved.value, { reportInput: true });
  if (!parsed.success) {
    const salvaged = salvage(schema, resolved.value, parsed.error.issues) as Partial<Output> | undefined;
    return { problems: problemsFromZod(parsed.error, path), ...(salvaged ? { salvaged } : {}) };
  }
  const checked = (await plugin.check?.(parsed.data)) ?? [];
  // A plugin's checks name paths within its settings.
  const problems = checked.map((p) => ({ ...p, path: joinPath(path, p.path) }));
  const hasErrors = problems.some((p) => p.severity === "error");
  return hasErrors ? { problems, salvaged: parsed.data as Output } : { value: parsed.data as Output, problems };
}

/**
 * Settings without the top-level fields that have errors, parsed field by field with each one
 * optional (defaults stand in for the dropped ones; cross-field refinements are not run again);
 * undefined when that is not possible.
 */
function salvage(schema: z.ZodType, value: unknown, issues: readonly z.core.$ZodIssue[]): unknown {
  if (!isObjectSchema(schema) || typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const failed = new Set<PropertyKey>();
  for (const issue of issues) {
    const [head] = issue.path;
    if (head !== undefined) failed.add(head);
    else if (issue.code === "unrecognized_keys") issue.keys.forEach((k) => failed.add(k));
    else return undefined;
  }
  const kept = Object.fromEntries(Object.entries(value).filter(([key]) => !failed.has(key)));
  const fields = Object.fromEntries(Object.entries(schema.shape).map(([key, field]) => [key, field.optional()]));
  const parsed = z.object(fields).safeParse(kept);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Parses the host-provided settings a plugin declares, then the plugin's own checks of them; the
 * host's own, so references may stand in any of them.
 */
export function validatePlatformSettings(
  plugin: ConnectorPlugin,
  raw: Record<string, unknown>,
  environment: ReferenceEnvironment = {},
  path = "platform",
): ValidatedSettings<unknown> {
  if (!plugin.platformSettings) return { value: {}, problems: [] };
  const resolved = resolveReferences(raw, environment, path);
  if (resolved.problems.length > 0) return { problems: resolved.problems };
  const parsed = plugin.platformSettings.safeParse(resolved.value, { reportInput: true });
  const problems = parsed.success
    ? (plugin.checkPlatform?.(parsed.data) ?? []).map((p) => ({ ...p, path: joinPath(path, p.path) }))
    : problemsFromZod(parsed.error, path);
  // The user did not type these: say where the host takes them from.
  const told = problems.map((p) => {
    const key = p.path.slice(path.length + 1).split(".")[0] ?? "";
    const where = key ? `; the host sets it in conveyor.config.yaml under platform.${key} or as CONVEYOR_${key.toUpperCase()}` : "";
    return { ...p, message: `${p.message} (for the ${plugin.kind} plugin "${plugin.id}")${where}` };
  });
  return parsed.success && !told.some((p) => p.severity === "error") ? { value: parsed.data, problems: told } : { problems: told };
}

/**
 * Warnings for the platform settings a host passed that none of `plugins` takes (a misspelt
 * key otherwise does nothing, silently), naming the keys they do take. Nothing is said when a
 * plugin's platform settings are not an object schema: which keys it takes is unknown.
 */
export function unknownPlatformSettings(plugins: readonly ConnectorPlugin[], raw: Record<string, unknown>, path = "platform"): Problem[] {
  const known = new Set<string>();
  for (const plugin of plugins) {
    if (!plugin.platformSettings) continue;
    if (!isObjectSchema(plugin.platformSettings)) return [];
    Object.keys(plugin.platformSettings.shape).forEach((key) => known.add(key));
  }
  const takes = known.size > 0 ? `the loaded plugins take ${[...known].sort().join(", ")}` : "no loaded plugin takes platform settings";
  return Object.keys(raw)
    .filter((key) => !known.has(key))
    .map((key) => ({ path: joinPath(path, key), severity: "warning" as const, message: `is not a setting of any loaded plugin; ${takes}` }));
}
