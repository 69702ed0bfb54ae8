import { resolve } from "node:path";
import { Command } from "commander";
import { startEmulators, writeConveyorConfig } from "@conveyor/testkit";
import { line, table, type CliIo } from "../io.js";
import type { CommandContext } from "../job-context.js";

export function emulatorsCommand({ io, globals }: CommandContext): Command {
  return new Command("emulators")
    .description("start the testkit emulators on loopback until SIGINT/SIGTERM")
    .option("--port <port>", "port of the S3 endpoint (default: a free one)")
    .option("--data-dir <dir>", "where the S3 emulator keeps objects (default: a temporary directory)")
    .option("--write-config <path>", "also write a conveyor.config.yaml with the platform settings of this scenario")
    .option("--json", "print the endpoints as one JSON line")
    .action(async (options: { port?: string; dataDir?: string; writeConfig?: string; json?: boolean }) => {
      const emulators = await startEmulators({
        ...(options.port ? { port: Number(options.port) } : {}),
        ...(options.dataDir ? { dataDir: resolve(io.cwd, options.dataDir) } : {}),
      });
      if (options.writeConfig) await writeConveyorConfig(resolve(io.cwd, options.writeConfig), emulators.info);
      if (options.json || globals().json) line(io.stdout, JSON.stringify(emulators.info));
      else printEndpoints(io, emulators.info as unknown as Record<string, unknown>, options.writeConfig);
      await untilSignal();
      await emulators.close();
    });
}

export function printEndpoints(io: CliIo, info: Record<string, unknown>, configPath?: string): void {
  line(io.stdout, table([["SETTING", "VALUE"], ...Object.entries(info).map(([k, v]) => [k, String(v)])]));
  if (configPath) line(io.stdout, `platform settings written to ${configPath}`);
  line(io.stdout, "emulators running; press Ctrl-C to stop");
}

function untilSignal(): Promise<void> {
  return new Promise((done) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      done();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
