import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  ConnectorError,
  inject,
  injectable,
  LocalDirectorySink,
  resolveStageChain,
  runFilePipeline,
  stageContextOf,
  TOKENS,
  writeSuccessFile,
  type ConnectionCheck,
  type Destination,
  type DestinationContext,
  type SendReport,
  type SendRequest,
} from "@conveyor/core";
import type { LocalDirectorySettings } from "./index.js";

@injectable()
export class LocalDirectoryDestination implements Destination {
  constructor(@inject(TOKENS.settings) private readonly settings: LocalDirectorySettings) {}

  private get root(): string {
    return join(this.settings.directory, this.settings.prefix);
  }

  /** The connection test: the folder exists (or can be made) and takes a file. */
  async test(): Promise<ConnectionCheck[]> {
    const probe = join(this.root, `.conveyor-probe-${process.pid}`);
    try {
      await mkdir(this.root, { recursive: true });
      await writeFile(probe, "probe");
      await rm(probe);
      return [{ name: "directory writable", status: "ok", message: this.root }];
    } catch (error) {
      const failure = notWritable(this.root, error);
      return [{ name: "directory writable", status: "failed", message: failure.message, error: failure.toJSON() }];
    }
  }

  async send(request: SendRequest, context: DestinationContext): Promise<SendReport> {
    // Stages come from the host by id: this plugin imports no formatter or compressor.
    const stages = resolveStageChain(
      { formatter: { id: this.settings.format, settings: this.settings.format_settings }, compressor: { id: this.settings.compression, settings: this.settings.compression_settings } },
      context.stages,
    );
    await mkdir(this.root, { recursive: true }).catch((error: unknown) => {
      throw notWritable(this.root, error);
    });
    const sink = new LocalDirectorySink(this.root);
    const result = await context.tasks.run("write files", () => runFilePipeline(request.rows, { ...stages, sink }, stageContextOf(request, context), context.progress));
    const successFile = (request.overrides.success_file as boolean | undefined) ?? this.settings.success_file;
    // Written last, so a reader that waits for it sees every other file complete.
    if (successFile) await writeSuccessFile(sink, request.baseName, result, context);
    return result;
  }
}

function notWritable(directory: string, cause: unknown): ConnectorError {
  return new ConnectorError({
    code: "local-directory.not-writable",
    message: `cannot write to ${directory}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`,
    cause,
    action: {
      kind: "fix-permissions",
      id: "local-directory.not-writable",
      title: "Directory not writable",
      problem: `Conveyor cannot create or write files in ${directory}.`,
      steps: ["Check that the folder exists or can be created.", "Give the user running Conveyor write permission on it.", "Retry the task."],
    },
  });
}
