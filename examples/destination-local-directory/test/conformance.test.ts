import { mkdtempSync, writeFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeDestination, optOut } from "@conveyor/testkit/conformance";
import { expect } from "vitest";
import plugin from "../src/index.js";

const directory = mkdtempSync(join(tmpdir(), "conveyor-example-"));
/** A plain file where the destination's folder would be: no folder can be made under it. */
const notAFolder = join(directory, "not-a-folder");
writeFileSync(notAFolder, "");

describeDestination(plugin, {
  settings: { directory, prefix: "exports" },
  invalidSettings: [
    { why: "the directory is missing", settings: { prefix: "x" }, path: "directory" },
    { why: "an unknown setting is given", settings: { directory, colour: "red" }, path: "" },
  ],
  async verify(report, sent) {
    expect(report.objects.map((o) => o.key)).toEqual([`${sent.baseName}.jsonl`]);
    const text = await readFile(join(directory, "exports", `${sent.baseName}.jsonl`), "utf8");
    const rows = text.trim().split("\n").map((l) => JSON.parse(l) as { id: number; email: string });
    expect(rows).toHaveLength(sent.rows);
    expect(rows[0]).toMatchObject({ id: 1 });
  },
  secretSettings: optOut("its only settings are a folder and file options: nothing secret"),
  failingConnection: { settings: { directory: join(notAFolder, "exports") } },
  transientFault: optOut("it writes to the local disk, which has no transient failures to retry"),
  async leftovers(baseName) {
    return (await readdir(join(directory, "exports"))).filter((f) => f.startsWith(baseName) || f.endsWith(".partial"));
  },
});
