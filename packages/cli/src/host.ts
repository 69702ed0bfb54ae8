import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PluginHost, createLogger, SecretRegistry, type Logger } from "@conveyor/core";
import type { ConveyorConfig } from "./config.js";
import { fileExists } from "./files.js";

/** The CLI package's own folder: its dependencies are the first-party plugins. */
const CLI_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");

export interface CliHostOptions {
  config: ConveyorConfig;
  /** `--plugin` paths or package names. */
  plugins?: readonly string[];
  projectDir?: string;
  secrets?: SecretRegistry;
  logger?: Logger;
}

/**
 * A host with the first-party plugins (the CLI's dependencies), the plugins of the project in
 * the working directory (its package.json dependencies), and any named in config or `--plugin`.
 */
export async function createCliHost(options: CliHostOptions): Promise<PluginHost> {
  const secrets = options.secrets ?? new SecretRegistry();
  const host = new PluginHost({
    platform: options.config.platform,
    secrets,
    logger: options.logger ?? createLogger({ secrets, level: process.env.CONVEYOR_LOG_LEVEL ?? "warn" }),
  });
  await host.discover(CLI_DIR);
  const projectDir = options.projectDir ?? process.cwd();
  if (projectDir !== CLI_DIR && (await fileExists(join(projectDir, "package.json")))) await host.discover(projectDir);
  // Paths in the config file are relative to it; `--plugin` paths to the working directory.
  const configDir = options.config.path ? dirname(options.config.path) : projectDir;
  const specs = [...options.config.plugins.map((spec) => [spec, configDir] as const), ...(options.plugins ?? []).map((spec) => [spec, projectDir] as const)];
  for (const [spec, baseDir] of specs) {
    if (spec.startsWith(".") || spec.startsWith("/")) await host.loadPath(spec, baseDir);
    else await host.loadPackage(spec, projectDir);
  }
  return host;
}
