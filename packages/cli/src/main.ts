import { Command, CommanderError } from "commander";
import { asConnectorError, EXIT_CODES, SecretRegistry } from "@conveyor/runtime";
import { credentialCommand } from "./commands/credential.js";
import { demoCommand } from "./commands/demo.js";
import { emulatorsCommand } from "./commands/emulators.js";
import { piiCommand } from "./commands/pii.js";
import { pluginsCommand, schemaCommand } from "./commands/plugins.js";
import { runCommand } from "./commands/run.js";
import { runsCommand } from "./commands/runs.js";
import { notificationsCommand, scheduleCommand, schedulerCommand } from "./commands/schedule.js";
import { testConnectionCommand, validateCommand } from "./commands/validate.js";
import { processIo, type CliIo } from "./io.js";
import type { CommandContext, GlobalOptions } from "./job-context.js";
import { printError } from "./report.js";

export const VERSION = "0.1.0";

/** Runs the `conveyor` command with `argv` (without node and script) and returns its exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let code = 0;
  const program = new Command("conveyor")
    .description("Conveyor: deliver rows to Amazon S3 and Amazon Marketing Cloud through plugins")
    .version(VERSION)
    .option("--state-dir <dir>", "where runs are recorded (default .conveyor, or CONVEYOR_STATE_DIR)")
    .option("--config <path>", "conveyor.config.yaml to use (default: beside the job, then the working directory)")
    .option("--plugin <path-or-package>", "load another plugin package (repeatable)", (value: string, all: string[]) => [...all, value], [] as string[])
    .option("--json", "machine-readable output")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError();
  const secrets = new SecretRegistry();
  const context: CommandContext = { io, secrets, globals: () => program.opts<GlobalOptions>(), exit: (c) => void (code = c) };
  const commands = [
    pluginsCommand,
    schemaCommand,
    validateCommand,
    testConnectionCommand,
    runCommand,
    runsCommand,
    scheduleCommand,
    schedulerCommand,
    notificationsCommand,
    credentialCommand,
    emulatorsCommand,
    demoCommand,
  ];
  for (const make of commands) {
    program.addCommand(make(context).exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) }));
  }
  program.addCommand(piiCommand(io));
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return error.exitCode === 0 ? 0 : 2;
    }
    const failure = asConnectorError(error);
    printError(io, secrets.redactDeep(failure.toJSON()));
    return EXIT_CODES[failure.category];
  }
  return code || Number(process.exitCode ?? 0);
}
