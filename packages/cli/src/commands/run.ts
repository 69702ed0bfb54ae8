import { dirname, resolve } from "node:path";
import { Command } from "commander";
import { EXIT_CODES, invalidInput, jobColumnsSchema, RunStore, runJob, type RunRecord } from "@conveyor/core";
import { openInput, type InputFormat } from "../input/open-input.js";
import { line, type CliIo } from "../io.js";
import { loadJob, requireValid, stateDirOf, type CommandContext } from "../job-context.js";
import { createProgress } from "../progress.js";
import { printRun } from "../report.js";

export function runCommand(ctx: CommandContext): Command {
  return new Command("run")
    .description("run a job: read its input, send it to the destination, report")
    .argument("<job>", "job file (YAML or JSON)")
    .option("--input <path>", "input file, or - for stdin (overrides the job's input.path)")
    .option("--input-format <format>", "csv, tsv, ndjson, jsonl or parquet (default: from the extension)")
    .option("--json", "print the run record as one JSON line")
    .action(async (jobPath: string, options: { input?: string; inputFormat?: InputFormat; json?: boolean }) => {
      const run = await executeRun(ctx, jobPath, options);
      finish(ctx, run, options.json);
    });
}

export async function executeRun(
  ctx: CommandContext,
  jobPath: string,
  options: { input?: string; inputFormat?: InputFormat; previous?: RunRecord; scheduledTime?: Date },
): Promise<RunRecord> {
  const { io, globals } = ctx;
  const loaded = await loadJob(ctx, jobPath);
  const job = requireValid(loaded);
  const inputPath = options.input ?? job.input?.path;
  if (!inputPath) {
    throw invalidInput("input.missing", "no input: give --input <path|-> or set input.path in the job");
  }
  const fullInput = inputPath === "-" ? "-" : resolve(inputPath === options.input ? io.cwd : dirname(loaded.file.path), inputPath);
  const format = options.inputFormat ?? job.input?.format;
  const schema = jobColumnsSchema(job);
  const input = await openInput({ path: fullInput, stdin: io.stdin, ...(format ? { format } : {}), ...(schema ? { schema } : {}) });
  return runJob({
    host: loaded.host,
    job,
    rows: input.rows,
    schema: input.schema,
    store: new RunStore(stateDirOf(io, globals())),
    progress: createProgress(io, job.name),
    environment: { env: io.env, baseDir: dirname(loaded.file.path) },
    origin: { jobPath: loaded.file.path, jobSha256: loaded.file.sha256, ...(fullInput !== "-" ? { inputPath: fullInput } : {}) },
    ...(options.previous ? { previous: options.previous } : {}),
    ...(options.scheduledTime ? { now: options.scheduledTime } : {}),
  });
}

export function finish({ io, globals, exit }: CommandContext, run: RunRecord, json?: boolean): void {
  if (json || globals().json) line(io.stdout, JSON.stringify(run));
  else printRun(io, run);
  exit(run.failure ? EXIT_CODES[run.failure.error.category] : 0);
}
