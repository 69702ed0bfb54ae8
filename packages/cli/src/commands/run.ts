import { Command } from "commander";
import { EXIT_CODES, jobColumnsSchema, readInput, type InputFormat, type RunRecord, type SendOptions } from "@conveyor/runtime";
import { line } from "../io.js";
import { loadJob, requireValid, type CommandContext } from "../job-context.js";
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
      finish(ctx, await runJobFile(ctx, jobPath, options), options.json);
    });
}

/**
 * Runs a job file once through the runtime: rows from `--input` (a file, or `-` for stdin) or
 * the job's `input.path`; with `restartOf`, the failed run is restarted with the file as it is now.
 */
export async function runJobFile(
  ctx: CommandContext,
  jobPath: string,
  options: { input?: string; inputFormat?: InputFormat; now?: Date; restartOf?: RunRecord } = {},
): Promise<RunRecord> {
  const { conveyor, job, path, valid } = requireValid(await loadJob(ctx, jobPath));
  const format = options.inputFormat ?? valid.input?.format;
  const schema = jobColumnsSchema(valid);
  const stdin = options.input === "-" ? await readInput(ctx.io.stdin, { ...(format ? { format } : {}), ...(schema ? { schema } : {}), name: "stdin" }) : undefined;
  const request: SendOptions = {
    job,
    jobPath: path,
    ...(stdin ? { rows: stdin.rows, schema: stdin.schema } : options.input ? { inputPath: options.input } : {}),
    ...(format ? { inputFormat: format } : {}),
    ...(options.now ? { now: options.now } : {}),
  };
  const progress = createProgress(ctx.io, valid.name);
  try {
    const onProgress = progress.update.bind(progress);
    return options.restartOf ? await conveyor.restart(options.restartOf.id, { ...request, onProgress }) : await conveyor.send({ ...request, onProgress });
  } finally {
    progress.finish();
    await conveyor.close();
  }
}

export function finish({ io, globals, exit }: CommandContext, run: RunRecord, json?: boolean): void {
  if (json || globals().json) line(io.stdout, JSON.stringify(run));
  else printRun(io, run);
  exit(run.failure ? EXIT_CODES[run.failure.error.category] : 0);
}
