import { join, resolve } from "node:path";
import { invalidInput, problemsFromZod, formatProblems, z } from "@conveyor/runtime";
import { fileExists } from "./files.js";
import { readStructuredFile } from "./structured-file.js";

export const CONFIG_FILE = "conveyor.config.yaml";

const configSchema = z
  .object({
    /** Host-provided settings for plugins (platform role, External ID, endpoints, base keys). */
    platform: z.record(z.string(), z.unknown()).default({}),
    /** Extra plugin packages (names) or paths to load. */
    plugins: z.array(z.string()).default([]),
    /** Named connections a job can refer to (`result_connection: NAME`). */
    connections: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  })
  .strict();

export type ConveyorConfig = z.output<typeof configSchema> & { path?: string };

/**
 * The operator's configuration: `--config`, else `conveyor.config.yaml` in the working directory,
 * then `CONVEYOR_<KEY>` environment variables for platform settings. A config file beside a job
 * file is not read: it would travel with the job and could load code or change the platform.
 */
export async function loadConfig(options: { explicit?: string; cwd: string; env?: NodeJS.ProcessEnv }): Promise<ConveyorConfig> {
  const env = options.env ?? process.env;
  const path = options.explicit ? resolve(options.cwd, options.explicit) : join(options.cwd, CONFIG_FILE);
  let config: ConveyorConfig = { platform: {}, plugins: [], connections: {} };
  if (await fileExists(path)) {
    const parsed = configSchema.safeParse((await readStructuredFile(path, "config file")) ?? {});
    if (!parsed.success) throw invalidInput("config.invalid", `config file ${path}:\n${formatProblems(problemsFromZod(parsed.error))}`);
    config = { ...parsed.data, path };
  } else if (options.explicit) {
    throw invalidInput("config.unreadable", `config file ${path} does not exist`);
  }
  return { ...config, platform: { ...config.platform, ...platformFromEnv(env) } };
}

/** `CONVEYOR_EXTERNAL_ID=…` → `{ external_id: "…" }` (CONVEYOR_STATE_DIR and CONVEYOR_LOG_LEVEL are the CLI's own). */
export function platformFromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const own = new Set(["CONVEYOR_STATE_DIR", "CONVEYOR_LOG_LEVEL", "CONVEYOR_CONFIG"]);
  const platform: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith("CONVEYOR_") || own.has(key) || value === undefined) continue;
    platform[key.slice("CONVEYOR_".length).toLowerCase()] = value === "true" ? true : value === "false" ? false : value;
  }
  return platform;
}
