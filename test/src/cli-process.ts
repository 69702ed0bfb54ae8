import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
/** The built command, as a user runs it. */
export const CONVEYOR_BIN = join(root, "packages/cli/dist/bin.js");
export const EXAMPLE_PLUGIN = join(root, "examples/destination-local-directory");

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `conveyor <args>` as a child process to its end. */
export function conveyor(args: string[], options: { cwd: string; stdin?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Finished> {
  const child = start(args, options);
  if (options.stdin !== undefined) child.stdin?.end(options.stdin);
  else child.stdin?.end();
  return finished(child, options.timeoutMs ?? 60_000);
}

export function start(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): ChildProcess & { output: { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, [CONVEYOR_BIN, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
    stdio: ["pipe", "pipe", "pipe"],
  }) as ChildProcess & { output: { stdout: string; stderr: string } };
  child.output = { stdout: "", stderr: "" };
  child.stdout?.on("data", (c: Buffer) => (child.output.stdout += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (child.output.stderr += c.toString()));
  return child;
}

export function finished(child: ChildProcess & { output?: { stdout: string; stderr: string } }, timeoutMs = 60_000): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`conveyor did not finish within ${timeoutMs} ms: ${child.output?.stderr ?? ""}`));
    }, timeoutMs);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      // Let the pipes drain.
      setImmediate(() => resolve({ code, signal, stdout: child.output?.stdout ?? "", stderr: child.output?.stderr ?? "" }));
    });
  });
}

/** Resolves with the first line the child prints on stdout. */
export function firstLine(child: ChildProcess & { output: { stdout: string; stderr: string } }, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no output line in time")), timeoutMs);
    const check = () => {
      const i = child.output.stdout.indexOf("\n");
      if (i >= 0) {
        clearTimeout(timer);
        child.stdout?.off("data", check);
        resolve(child.output.stdout.slice(0, i));
      }
    };
    child.stdout?.on("data", check);
    child.once("exit", () => reject(new Error(`exited before printing a line: ${child.output.stderr}`)));
  });
}

export async function workspace(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "conveyor-e2e-"));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}
