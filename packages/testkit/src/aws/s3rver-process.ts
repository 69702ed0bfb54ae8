/**
 * Runs s3rver in a child Node process started with `--openssl-legacy-provider`.
 *
 * Why: s3rver 3.7.1 encrypts ListObjectsV2 continuation tokens with DES
 * (`crypto.createCipheriv('des', …)` in lib/controllers/bucket.js). OpenSSL 3, which Node 17+
 * ships, moved DES to its "legacy" provider, so without the flag any paginated listing fails
 * with `error:0308010C:digital envelope routines::unsupported`. The provider can only be
 * enabled at process start, so running s3rver in our own child process gives every caller
 * (vitest workers, the `conveyor` CLI, third-party test suites) working pagination without
 * anyone setting NODE_OPTIONS.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";

// CommonJS run by `node -e`; exits when the parent closes stdin, so it never outlives the parent.
const CHILD_SCRIPT = `
const S3rver = require(process.env.S3RVER_MODULE);
const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, vhostBuckets: false, directory: process.env.S3RVER_DIR });
server.run().then(
  (address) => process.stdout.write(JSON.stringify({ port: address.port }) + "\\n"),
  (error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); },
);
process.stdin.on("end", () => server.close(() => process.exit(0)));
process.stdin.resume();
`;

export interface S3rverProcess {
  port: number;
  close(): Promise<void>;
}

export async function startS3rverProcess(directory: string): Promise<S3rverProcess> {
  const modulePath = createRequire(import.meta.url).resolve("s3rver");
  const child: ChildProcess = spawn(process.execPath, ["--openssl-legacy-provider", "-e", CHILD_SCRIPT], {
    env: { ...process.env, S3RVER_MODULE: modulePath, S3RVER_DIR: directory },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once("line", (line) => resolve((JSON.parse(line) as { port: number }).port));
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`s3rver exited (${code}) before listening: ${stderr.trim()}`)));
  });

  return {
    port,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin!.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
