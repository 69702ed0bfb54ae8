import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { emulatorAdminClient, emulatorPlatform, listObjects, readObject, startEmulators, unpackObjects, parseDelimited, type RunningEmulators } from "@conveyor/testkit";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const GUIDE = fileURLToPath(new URL("../../../docs/embedding.md", import.meta.url));

/** The guide's one complete host: the first ```ts block after "## A complete host". */
function guideExample(): string {
  const text = readFileSync(GUIDE, "utf8");
  const section = text.slice(text.indexOf("## A complete host"));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error(`${GUIDE} has no ts block under "## A complete host"`);
  return match[1]!;
}

let emulators: RunningEmulators;
beforeAll(async () => {
  emulators = await startEmulators();
});
afterAll(() => emulators?.close());

describe("docs/embedding.md", () => {
  it("its host script runs as written: the first attempt fails on the success file, the retry completes it without uploading the data again", async () => {
    const { info } = emulators;
    const state = await mkdtemp(join(tmpdir(), "conveyor-guide-"));
    Object.assign(process.env, {
      CONVEYOR_PLATFORM: JSON.stringify(emulatorPlatform(info)),
      CONVEYOR_STATE_DIR: state,
      CUSTOMER_ROLE_ARN: info.customer_role_arn,
      BUCKET: info.bucket,
    });
    const day = new Date().toISOString().slice(0, 10).replace(/-/g, "_");
    const done = `exports/customers/customers_${day}.DONE`;
    // Every attempt at the success file fails until the retries of the first run are spent.
    emulators.s3.faults.inject({ type: "internal-error", operation: "PutObject", key: done, times: 5 });

    // Vitest resolves @conveyor/runtime to this package's source; the script is the guide's, byte for byte.
    const dir = join(fileURLToPath(new URL(".", import.meta.url)), "generated");
    await mkdir(dir, { recursive: true });
    const script = join(dir, "embedding-example.ts");
    await writeFile(script, guideExample());
    const printed: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void printed.push(args.join(" ")));
    try {
      await import(/* @vite-ignore */ script);
    } finally {
      log.mockRestore();
    }

    expect(printed.join("\n")).toMatch(/internal|InternalError|transient/i);
    expect(printed.join("\n")).toContain("Retry task");
    expect(printed.at(-1)).toBe(`\nsucceeded: exports/customers/customers_${day}.csv.gz`);
    const admin = emulatorAdminClient(info);
    const data = `exports/customers/customers_${day}.csv.gz`;
    expect((await listObjects(admin, info.bucket, "exports/customers/")).map((o) => o.key).sort()).toEqual([done, data].sort());
    const files = await unpackObjects(new Map([[data, await readObject(admin, info.bucket, data)]]));
    const rows = await parseDelimited([...files.values()][0]!, ",");
    expect(rows).toHaveLength(1001);
    expect(rows[1]).toEqual(["1", "customer1@example.com"]);
    // The data object was uploaded once: the retry replayed its task.
    const puts = emulators.s3.requests.filter((r) => r.key === data && /^(PutObject|CompleteMultipartUpload)$/.test(r.operation));
    expect(puts).toHaveLength(1);
  });
});
