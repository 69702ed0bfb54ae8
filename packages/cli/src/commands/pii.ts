import { createInterface } from "node:readline";
import type { Writable } from "node:stream";
import { Command } from "commander";
import { hashPii, normalize, PII_TYPES, resolveCountry, SUPPORTED_COUNTRIES, type PiiType } from "@conveyor/pii";
import type { CliIo } from "../io.js";

type PiiIo = Pick<CliIo, "stdin" | "stdout" | "stderr">;

interface PiiCommandOptions {
  type: string;
  country?: string;
}

/**
 * `conveyor pii normalize|hash --type ADDRESS --country US "8 Bluestem Terrace"`: shows what
 * Amazon's normalization makes of values (or their SHA-256), one output line per value; with no
 * value arguments it reads values one per line from stdin. An invalid value prints an empty line.
 */
export function piiCommand(io: Partial<PiiIo> = {}): Command {
  const streams: PiiIo = { stdin: io.stdin ?? process.stdin, stdout: io.stdout ?? process.stdout, stderr: io.stderr ?? process.stderr };
  const command = new Command("pii").description("normalize or hash PII values the way Amazon Marketing Cloud expects them");
  for (const [name, convert, what] of [
    ["normalize", normalize, "the normalized value"],
    ["hash", hashPii, "the SHA-256 of the normalized value (lowercase hex)"],
  ] as const) {
    command
      .command(name)
      .description(`print ${what} for each value; an invalid value prints an empty line`)
      .requiredOption("--type <type>", `identifier type: ${PII_TYPES.join(", ")}`)
      .option("--country <code>", "ISO 3166-1 alpha-2 country of the data", "US")
      .argument("[values...]", "values to convert (default: one per line from stdin)")
      // Subcommands do not inherit what the caller sets on `pii` afterwards: a usage error throws
      // (the conveyor command turns it into exit code 2) and goes to the given stderr.
      .exitOverride()
      .configureOutput({ writeOut: (s) => streams.stdout.write(s), writeErr: (s) => streams.stderr.write(s) })
      .action(async (values: string[], options: PiiCommandOptions) => {
        const settings = checkOptions(options, streams.stderr);
        if (settings === undefined) {
          process.exitCode = 2;
          return;
        }
        const input = values.length > 0 ? values : stdinLines(streams);
        const { total, invalid } = await convertAll(input, (value) => convert(settings.type, value, settings), streams.stdout);
        if (invalid > 0) streams.stderr.write(`${invalid} of ${total} value${total === 1 ? "" : "s"} invalid for ${settings.type} (printed as empty lines)\n`);
      });
  }
  return command;
}

/** Type (case-insensitive) and country, or undefined after printing what is wrong. */
function checkOptions(options: PiiCommandOptions, stderr: Writable): { type: PiiType; country: string } | undefined {
  const type = options.type.trim().toUpperCase();
  if (!(PII_TYPES as readonly string[]).includes(type)) {
    stderr.write(`error: --type ${JSON.stringify(options.type)} is not an identifier type; allowed: ${PII_TYPES.join(", ")}\n`);
    return undefined;
  }
  try {
    return { type: type as PiiType, country: resolveCountry(options.country) };
  } catch {
    stderr.write(
      `error: --country ${JSON.stringify(options.country)} is not a country Amazon's normalization supports; allowed: ${SUPPORTED_COUNTRIES.join(", ")}\n`,
    );
    return undefined;
  }
}

async function* stdinLines({ stdin }: PiiIo): AsyncIterable<string> {
  // crlfDelay: a \r\n split across chunks still counts as one line break.
  for await (const line of createInterface({ input: stdin, crlfDelay: Infinity })) yield line;
}

/** Writes one line per value, in batches, waiting when stdout is full. */
async function convertAll(
  values: Iterable<string> | AsyncIterable<string>,
  convert: (value: string) => string | null,
  stdout: Writable,
): Promise<{ total: number; invalid: number }> {
  let total = 0;
  let invalid = 0;
  let batch = "";
  const flush = async (): Promise<void> => {
    if (batch === "") return;
    const ok = stdout.write(batch);
    batch = "";
    if (!ok) await new Promise<void>((resolve) => stdout.once("drain", resolve));
  };
  for await (const value of values) {
    const result = convert(value);
    total++;
    if (result === null) invalid++;
    batch += (result ?? "") + "\n";
    if (batch.length >= 64 * 1024) await flush();
  }
  await flush();
  return { total, invalid };
}
