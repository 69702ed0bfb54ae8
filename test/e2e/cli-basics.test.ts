import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { conveyor, EXAMPLE_PLUGIN, workspace } from "../src/cli-process.js";

const job = (directory: string) => `name: people
input: { path: ./people.csv }
schema:
  columns:
    - { name: id, type: long, nullable: false }
    - { name: name, type: string }
destination:
  plugin: local-directory
  settings: { directory: "${directory}", format: jsonl }
template: { file_name: "people_{{ now|local:'America/Los_Angeles'|format:'yyyy-MM-dd' }}" }
`;

describe("the built conveyor command", () => {
  it("prints its version and help", async () => {
    const cwd = await workspace({});
    const version = await conveyor(["--version"], { cwd });
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = await conveyor(["run", "--help"], { cwd });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--input <path>");
  });

  it("runs a job end to end through a plugin loaded by path, and records it", async () => {
    const cwd = await workspace({ "people.csv": "id,name\n1,Ada\n2,Grace\n" });
    const out = join(cwd, "out");
    await import("node:fs/promises").then((fs) => fs.writeFile(join(cwd, "job.yaml"), job(out)));
    const result = await conveyor(["--plugin", EXAMPLE_PLUGIN, "run", "job.yaml"], { cwd });
    expect(result.stderr).not.toContain("error");
    expect(result.code).toBe(0);
    const [file] = await readdir(out);
    expect(file).toMatch(/^people_\d{4}-\d{2}-\d{2}\.jsonl$/);
    expect((await readFile(join(out, file!), "utf8")).trim().split("\n").map((l) => JSON.parse(l) as unknown)).toEqual([
      { id: 1, name: "Ada" },
      { id: 2, name: "Grace" },
    ]);
    const runs = await conveyor(["runs", "--json"], { cwd });
    expect((JSON.parse(runs.stdout) as { runs: { status: string }[] }).runs.map((r) => r.status)).toEqual(["succeeded"]);
  });

  it("exits 2 with the line number for a malformed job file", async () => {
    const cwd = await workspace({ "job.yaml": "name: x\ndestination:\n  plugin: [unclosed\n" });
    const result = await conveyor(["validate", "job.yaml"], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/job\.yaml:\d+:\d+: YAML syntax error at line \d+/);
  });

  it("exits 2 naming an unknown plugin, a missing setting and an unknown template variable together", async () => {
    const cwd = await workspace({
      "job.yaml": "name: x\ncredential: { plugin: no-such-credential }\ndestination: { plugin: local-directory, settings: {} }\ntemplate: { file_name: \"x_{{ nope }}\" }\n",
    });
    const result = await conveyor(["--plugin", EXAMPLE_PLUGIN, "validate", "job.yaml"], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: credential.plugin: unknown credential plugin "no-such-credential"');
    expect(result.stderr).toContain("error: destination.settings.directory: is required (string)");
    expect(result.stderr).toMatch(/error: template\.file_name: .*"nope"/);
  });
});
