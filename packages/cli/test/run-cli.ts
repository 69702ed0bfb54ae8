import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { main } from "../src/main.js";

/** The example plugin package, loaded by path like any third-party plugin. */
export const EXAMPLE_PLUGIN = join(dirname(fileURLToPath(import.meta.url)), "../../../examples/destination-local-directory");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `conveyor <args>` in-process with captured streams. */
export async function conveyor(args: string[], options: { cwd: string; stdin?: string; env?: NodeJS.ProcessEnv }): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on("data", (c: Buffer) => out.push(c));
  stderr.on("data", (c: Buffer) => err.push(c));
  const code = await main(args, {
    stdout,
    stderr,
    stdin: Readable.from(options.stdin !== undefined ? [options.stdin] : []),
    env: { ...options.env },
    cwd: options.cwd,
  });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

/** A fresh working directory holding the given files. */
export async function workspace(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "conveyor-cli-"));
  for (const [name, text] of Object.entries(files)) {
    await import("node:fs/promises").then((fs) => fs.mkdir(dirname(join(dir, name)), { recursive: true }));
    await writeFile(join(dir, name), text);
  }
  return dir;
}
