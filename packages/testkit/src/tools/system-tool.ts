import { spawn } from "node:child_process";

/**
 * Runs a system tool (gzip, tar, unzip, gpg) as an independent reader. A missing tool fails the
 * test loudly — CI installs them (`.ci/run`); a silent skip would hide a broken check.
 */
export function runTool(command: string, args: readonly string[], options: { input?: Buffer; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    child.on("error", (e: NodeJS.ErrnoException) =>
      reject(e.code === "ENOENT" ? new Error(`SYSTEM TOOL MISSING: "${command}" is not installed, so this independent check cannot run. Install it (apt-get install ${command === "gpg" ? "gnupg" : command}).`) : e),
    );
    child.on("close", (code) =>
      code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`${command} ${args.join(" ")} exited ${code}: ${Buffer.concat(err).toString()}`)),
    );
    child.stdin.on("error", () => {}); // the tool may exit before reading all input; its exit code tells
    child.stdin.end(options.input);
  });
}
