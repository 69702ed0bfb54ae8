import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createConveyor, FileRunStore, invalidInput, settingsInvalid, type Conveyor, type Job, type Problem, type SecretRegistry } from "@conveyor/runtime";
import { loadConfig } from "./config.js";
import { fileExists } from "./files.js";
import type { CliIo } from "./io.js";

export interface GlobalOptions {
  stateDir?: string;
  config?: string;
  plugin?: string[];
  json?: boolean;
}

/** What every command is made with: its streams, the global options, and how to set the exit code. */
export interface CommandContext {
  io: CliIo;
  /** Secret values met in this process, scrubbed from everything printed. */
  secrets: SecretRegistry;
  globals(): GlobalOptions;
  exit(code: number): void;
}

/** The CLI package's own folder: its dependencies are the first-party plugins. */
const CLI_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");

export function stateDirOf(io: CliIo, options: GlobalOptions): string {
  return resolve(io.cwd, options.stateDir ?? io.env.CONVEYOR_STATE_DIR ?? ".conveyor");
}

/**
 * The CLI as a host of the runtime. Its operator is trusted: the plugins are the first-party
 * ones, the project's in the working directory, and those named by `--plugin` or the operator's
 * config (`--config`, else the working directory's — never one that travels with a job file);
 * `${env:}`/`${file:}` references are on; inputs are read from the job file's folder and the
 * working directory (and any file named on the command line).
 */
export async function cliConveyor(ctx: CommandContext, options: { jobDir?: string; platform?: Record<string, unknown> } = {}): Promise<Conveyor> {
  const { io } = ctx;
  const globals = ctx.globals();
  // Given platform settings (the demo's emulators) stand for the whole configuration.
  const config = options.platform
    ? { platform: options.platform, plugins: [], connections: {} }
    : await loadConfig({ cwd: io.cwd, env: io.env, ...(globals.config ? { explicit: resolve(io.cwd, globals.config) } : {}) });
  // Paths in the config file are relative to it; `--plugin` paths to the working directory.
  const configDir = "path" in config && config.path ? dirname(config.path) : io.cwd;
  const local = (spec: string) => (spec.startsWith(".") ? resolve(configDir, spec) : spec);
  const projects = [CLI_DIR, ...(io.cwd !== CLI_DIR && (await fileExists(join(io.cwd, "package.json"))) ? [io.cwd] : [])];
  const jobDir = options.jobDir ?? io.cwd;
  return createConveyor({
    baseDir: io.cwd,
    discover: { from: projects },
    plugins: [...config.plugins.map(local), ...(globals.plugin ?? [])],
    platform: config.platform,
    connections: config.connections,
    ...("path" in config && config.path ? { connectionsSource: config.path } : {}),
    references: { env: io.env, file: { baseDir: jobDir } },
    inputRoots: [jobDir, io.cwd],
    stores: { runs: new FileRunStore(stateDirOf(io, globals)) },
    secrets: ctx.secrets,
    logLevel: io.env.CONVEYOR_LOG_LEVEL ?? "warn",
  });
}

export interface LoadedJob {
  conveyor: Conveyor;
  path: string;
  /** The job as read from the file (a workflow already converted), not yet validated. */
  job: unknown;
  /** The validated job (defaults applied), when valid. */
  valid?: Job;
  problems: Problem[];
}

/** Reads a job file (YAML, JSON or a digdag workflow) and validates it; every problem at once. */
export async function loadJob(ctx: CommandContext, jobPath: string): Promise<LoadedJob> {
  const path = resolve(ctx.io.cwd, jobPath);
  const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw invalidInput("job.unreadable", `cannot read job file ${path}: ${error.code ?? error.message}`);
  });
  const conveyor = await cliConveyor(ctx, { jobDir: dirname(path) });
  const { job, warnings } = conveyor.parseJob(text, path);
  const check = await conveyor.validate(job);
  return { conveyor, path, job, problems: [...warnings, ...check.problems], ...(check.job ? { valid: check.job } : {}) };
}

/** The loaded job, or `settings.invalid` listing every error (exit 2). */
export function requireValid(loaded: LoadedJob): LoadedJob & { valid: Job } {
  if (!loaded.valid) throw settingsInvalid(loaded.problems);
  return loaded as LoadedJob & { valid: Job };
}
