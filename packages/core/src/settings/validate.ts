import type { z } from "zod";
import type { ConnectorPlugin } from "../plugin.js";
import { joinPath, problemsFromZod, type Problem } from "./problems.js";
import { resolveReferences, type ReferenceEnvironment } from "./references.js";

export interface ValidatedSettings<T> {
  /** Present when there are no errors (warnings may remain). */
  value?: T;
  problems: Problem[];
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
  const resolved = resolveReferences(raw ?? {}, environment, path, { allowedPaths: [...(plugin.secrets ?? []), ...(plugin.referenceSettings ?? [])] });
  if (resolved.problems.length > 0) return { problems: resolved.problems };
  // reportInput lets a message tell "missing" from "wrong type"; inputs are never printed.
  const parsed = plugin.settings.safeParse(resolved.value, { reportInput: true });
  if (!parsed.success) return { problems: problemsFromZod(parsed.error, path) };
  const checked = (await plugin.check?.(parsed.data)) ?? [];
  // A plugin's checks name paths within its settings.
  const problems = checked.map((p) => ({ ...p, path: joinPath(path, p.path) }));
  const hasErrors = problems.some((p) => p.severity === "error");
  return hasErrors ? { problems } : { value: parsed.data as z.output<P["settings"]>, problems };
}

/** Parses the host-provided settings a plugin declares; the host's own, so references may stand in any of them. */
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
  if (parsed.success) return { value: parsed.data, problems: [] };
  // The user did not type these: say where the host takes them from.
  const problems = problemsFromZod(parsed.error, path).map((p) => {
    const key = p.path.slice(path.length + 1).split(".")[0] ?? "";
    const where = key ? `; the host sets it in conveyor.config.yaml under platform.${key} or as CONVEYOR_${key.toUpperCase()}` : "";
    return { ...p, message: `${p.message} (for the ${plugin.kind} plugin "${plugin.id}")${where}` };
  });
  return { problems };
}
