import { dirname, resolve } from "node:path";
import { settingsInvalid, validateJob, type Job, type PluginHost, type Problem, type SecretRegistry } from "@conveyor/core";
import { loadConfig, type ConveyorConfig } from "./config.js";
import { createCliHost } from "./host.js";
import type { CliIo } from "./io.js";
import { readStructuredFile, type JobFile } from "./job-file.js";
import { digWorkflowToJob, isDigWorkflow } from "./workflow/dig-job.js";

export interface GlobalOptions {
  stateDir?: string;
  config?: string;
  plugin?: string[];
  json?: boolean;
}

export interface LoadedJob {
  config: ConveyorConfig;
  host: PluginHost;
  file: JobFile;
  job?: Job;
  problems: Problem[];
}

/** Reads the config, the plugins and the job file, and validates the job. */
export async function loadJob({ io, globals, secrets }: CommandContext, jobPath: string): Promise<LoadedJob> {
  const options = globals();
  const path = resolve(io.cwd, jobPath);
  const config = await loadConfig({ jobPath: path, env: io.env, ...(options.config ? { explicit: resolve(io.cwd, options.config) } : {}) });
  const host = await createCliHost({ config, secrets, plugins: options.plugin ?? [], projectDir: io.cwd });
  const file = await readStructuredFile(path);
  // A digdag workflow (`.dig`, as Treasure Data writes them) becomes a job through its result connection.
  const raw = isDigWorkflow(path, file.raw) ? digWorkflowToJob(file.raw, config) : file.raw;
  const validation = await validateJob(host, raw, { env: io.env, baseDir: dirname(path) });
  return { config, host, file, problems: validation.problems, ...(validation.job ? { job: validation.job } : {}) };
}

/** The job, or `settings.invalid` listing every error (exit 2). */
export function requireValid(loaded: LoadedJob): Job {
  if (!loaded.job) throw settingsInvalid(loaded.problems);
  return loaded.job;
}

export function stateDirOf(io: CliIo, options: GlobalOptions): string {
  return resolve(io.cwd, options.stateDir ?? io.env.CONVEYOR_STATE_DIR ?? ".conveyor");
}

/** What every command is made with: its streams, the global options, and how to set the exit code. */
export interface CommandContext {
  io: CliIo;
  /** Secret values met in this process, scrubbed from everything printed. */
  secrets: SecretRegistry;
  globals(): GlobalOptions;
  exit(code: number): void;
}
