import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { conveyor, EXAMPLE_PLUGIN, workspace } from "./run-cli.js";

const CSV = "id,email,signup\n1,ada@example.com,2025-01-02T03:04:05Z\n2,alan@example.com,2025-01-03T00:00:00Z\n3,grace@example.com,\n";

const job = (directory = "./out") => `name: customers
input: { path: ./customers.csv }
schema:
  columns:
    - { name: id, type: long, nullable: false }
    - { name: email, type: string, pii: EMAIL }
    - { name: signup, type: timestamp }
destination:
  plugin: local-directory
  settings: { directory: "${directory}", success_file: true }
template: { file_name: "customers_{{ now|format:'yyyy_MM_dd' }}" }
`;

const plugin = ["--plugin", EXAMPLE_PLUGIN];

describe("conveyor plugins and schema", () => {
  it("lists built-in plugins and those loaded by path", async () => {
    const cwd = await workspace({});
    const result = await conveyor([...plugin, "plugins", "--json"], { cwd });
    expect(result.code).toBe(0);
    const listed = (JSON.parse(result.stdout) as { plugins: { kind: string; id: string; package: string }[] }).plugins;
    expect(listed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "formatter", id: "jsonl", package: "built-in" }),
        expect.objectContaining({ kind: "destination", id: "local-directory", package: "@conveyor-example/destination-local-directory" }),
      ]),
    );
  });

  it("prints a plugin's settings JSON Schema", async () => {
    const cwd = await workspace({});
    const result = await conveyor([...plugin, "schema", "local-directory"], { cwd });
    expect(result.code).toBe(0);
    const schema = JSON.parse(result.stdout) as { properties: Record<string, unknown>; required: string[]; title: string };
    expect(schema.title).toBe("Local directory");
    expect(schema.required).toEqual(["directory"]);
    expect(Object.keys(schema.properties)).toContain("success_file");
  });

  it("refuses an unknown plugin id with exit 2, naming the ones there are", async () => {
    const result = await conveyor(["schema", "no-such-plugin"], { cwd: await workspace({}) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error [plugin.unknown]: unknown plugin "no-such-plugin"; available: none, jsonl');
  });
});

describe("conveyor validate", () => {
  it("accepts a valid job", async () => {
    const cwd = await workspace({ "job.yaml": job(), "customers.csv": CSV });
    const result = await conveyor([...plugin, "validate", "job.yaml"], { cwd });
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("job.yaml: valid\n");
    expect(result.code).toBe(0);
  });

  it("reports a YAML syntax error with its line number (exit 2)", async () => {
    const cwd = await workspace({ "job.yaml": "name: broken\ndestination: { plugin: local-directory\nsettings: [\n" });
    const result = await conveyor([...plugin, "validate", "job.yaml"], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/error \[job\.syntax\]: job file .*job\.yaml:\d+:\d+: YAML syntax error at line \d+/);
  });

  it("names an unknown destination plugin (exit 2)", async () => {
    const cwd = await workspace({ "job.yaml": job().replace("plugin: local-directory", "plugin: amazon-s4") });
    const result = await conveyor([...plugin, "validate", "job.yaml"], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: destination.plugin: unknown destination plugin "amazon-s4"; available: amazon-marketing-cloud, amazon-s3, local-directory');
  });

  it("names every missing required setting at once (exit 2)", async () => {
    const cwd = await workspace({ "job.yaml": job().replace('settings: { directory: "./out", success_file: true }', "settings: { success_file: maybe }") });
    const result = await conveyor([...plugin, "validate", "job.yaml", "--json"], { cwd });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({
      valid: false,
      problems: [
        { path: "destination.settings.directory", message: "is required (string)", severity: "error" },
        { path: "destination.settings.success_file", message: "must be a boolean", severity: "error" },
      ],
    });
  });

  it("refuses an unknown template variable (exit 2)", async () => {
    const cwd = await workspace({ "job.yaml": job().replace("{{ now|format:'yyyy_MM_dd' }}", "{{ today }}") });
    const result = await conveyor([...plugin, "validate", "job.yaml"], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/error: template\.file_name: .*"today"/);
  });

  it("refuses a plugin that throws on import, says why, and still loads the others (exit 2 for the job that needs it)", async () => {
    const cwd = await workspace({
      "job.yaml": job(),
      "broken/package.json": JSON.stringify({ name: "broken-plugin", type: "module", conveyor: { plugins: ["./index.js"], apiVersion: 1 } }),
      "broken/index.js": 'throw new Error("boom while importing");\n',
    });
    const listed = await conveyor(["--plugin", "./broken", ...plugin, "plugins"], { cwd });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain("local-directory");
    expect(listed.stderr).toContain("warning: plugin refused (./broken): importing");
    expect(listed.stderr).toContain("boom while importing");
    const validated = await conveyor(["--plugin", "./broken", "validate", "job.yaml"], { cwd });
    expect(validated.code).toBe(2);
    expect(validated.stderr).toContain("boom while importing");
  });
});

describe("conveyor run and runs", () => {
  it("runs a job, writes the files and records the run", async () => {
    const cwd = await workspace({ "customers.csv": CSV });
    await writeFile(join(cwd, "job.yaml"), job(join(cwd, "out")));
    const result = await conveyor([...plugin, "run", "job.yaml"], { cwd });
    expect(result.stderr).toMatch(/progress: customers {2}3 rows/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/run \S+ \(customers → local-directory\), attempt 1: succeeded/);
    const files = await readdir(join(cwd, "out"));
    const name = files.find((f) => f.endsWith(".jsonl"))!;
    expect(name).toMatch(/^customers_\d{4}_\d{2}_\d{2}\.jsonl$/);
    expect(files).toContain(name.replace(".jsonl", ".DONE"));
    const rows = (await readFile(join(cwd, "out", name), "utf8")).trim().split("\n").map((l) => JSON.parse(l) as unknown);
    expect(rows).toEqual([
      { id: 1, email: "ada@example.com", signup: "2025-01-02T03:04:05.000Z" },
      { id: 2, email: "alan@example.com", signup: "2025-01-03T00:00:00.000Z" },
      { id: 3, email: "grace@example.com", signup: null },
    ]);

    const runs = await conveyor(["runs", "list", "--json"], { cwd });
    const [run] = (JSON.parse(runs.stdout) as { runs: { id: string; status: string; report: { rows: number } }[] }).runs;
    expect(run).toMatchObject({ status: "succeeded", report: { rows: 3 } });
    const shown = await conveyor(["runs", "show", run!.id.slice(0, 20)], { cwd });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^write files +succeeded +1 /m);
    // The success file is a task of its own, written after the data.
    expect(shown.stdout).toMatch(/^success file customers_\d{4}_\d{2}_\d{2}\.DONE +succeeded +1 /m);
  });

  it("reads rows from stdin with --input -", async () => {
    const cwd = await workspace({});
    await writeFile(join(cwd, "job.yaml"), job(join(cwd, "out")));
    const result = await conveyor([...plugin, "run", "job.yaml", "--input", "-", "--json"], { cwd, stdin: CSV });
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { report: { rows: number } }).report.rows).toBe(3);
  });

  it("reads NDJSON and TSV input", async () => {
    const cwd = await workspace({
      "rows.ndjson": '{"id": 7, "email": "x@example.com", "signup": null}\n\n{"id": "8", "email": "y@example.com"}\n',
      "rows.tsv": "id\temail\tsignup\n9\tz@example.com\t2025-01-01\n",
    });
    await writeFile(join(cwd, "job.yaml"), job(join(cwd, "out")));
    for (const [input, rows] of [["rows.ndjson", 2], ["rows.tsv", 1]] as const) {
      const result = await conveyor([...plugin, "run", "job.yaml", "--input", input, "--json"], { cwd });
      expect(result.code).toBe(0);
      expect((JSON.parse(result.stdout) as { report: { rows: number } }).report.rows).toBe(rows);
    }
  });

  it("refuses input that does not fit the schema (exit 2), naming the record and column", async () => {
    const cwd = await workspace({ "customers.csv": "id,email,signup\n1,a@example.com,\nnot-a-number,b@example.com,\n" });
    await writeFile(join(cwd, "job.yaml"), job(join(cwd, "out")));
    const result = await conveyor([...plugin, "run", "job.yaml"], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('record 2: column "id" (long): cannot read "not-a-number"; expected an integer');
  });

  it("fails with the destination's workflow action when a person must act (exit 3)", async () => {
    const cwd = await workspace({ "customers.csv": CSV });
    await writeFile(join(cwd, "job.yaml"), job(join(cwd, "out")));
    await writeFile(join(cwd, "out"), "a file where the folder should be");
    const result = await conveyor([...plugin, "run", "job.yaml"], { cwd });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("error [local-directory.not-writable]");
    expect(result.stderr).toMatch(/Workflow actions:\n {2}1\. Directory not writable — .*\n {5}1\) Check that the folder exists/);
    expect(result.stderr).toContain("2. Retry task");
    expect(result.stderr).toContain("3. Restart workflow");
  });

  it("prints each action's steps in plain words, then the CLI's commands with the failed run's id", async () => {
    const cwd = await workspace({ "customers.csv": CSV });
    await writeFile(join(cwd, "job.yaml"), job(join(cwd, "out")));
    await writeFile(join(cwd, "out"), "a file where the folder should be");
    const result = await conveyor([...plugin, "run", "job.yaml"], { cwd });
    expect(result.code).toBe(3);
    const runId = /^run (\S+) /m.exec(result.stdout)?.[1];
    expect(runId).toBeDefined();
    expect(result.stderr).toContain(
      [
        "  2. Retry task — The task failed; run it again with the same job, settings and input.",
        "     1) Review the error of the failed task and fix its cause.",
        "     2) Retry the task.",
        `     → conveyor runs retry ${runId}`,
        "  3. Restart workflow — The workflow failed; restart it from the failed task with the current settings.",
        "     1) Update the job, credential or destination settings that caused the failure.",
        "     2) Restart the workflow with the corrected settings.",
        `     → conveyor runs restart ${runId}`,
      ].join("\n"),
    );
    // The command wording is the CLI's: the run record keeps only the library's words.
    const shown = await conveyor([...plugin, "runs", "show", runId!], { cwd });
    expect(shown.stderr).toContain(`     → conveyor runs retry ${runId}`);
    const record = JSON.parse((await conveyor([...plugin, "runs", "show", runId!, "--json"], { cwd })).stdout) as { failure: { actions: { kind: string }[] } };
    expect(record.failure.actions.map((a) => a.kind)).toEqual(["fix-permissions", "retry-task", "restart-workflow"]);
    expect(JSON.stringify(record.failure.actions)).not.toMatch(/conveyor /);
  });
});

describe("conveyor test-connection", () => {
  it("passes for a writable folder and fails with exit 3 for one that is not", async () => {
    const cwd = await workspace({});
    await writeFile(join(cwd, "job.yaml"), job(join(cwd, "out")));
    const ok = await conveyor([...plugin, "test-connection", "job.yaml"], { cwd });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/directory writable +ok/);
    await writeFile(join(cwd, "blocker"), "a file where a folder should be");
    const locked = await workspace({ "job.yaml": job(join(cwd, "blocker", "out")) });
    const failed = await conveyor([...plugin, "test-connection", "job.yaml"], { cwd: locked });
    expect(failed.code).toBe(3);
    expect(failed.stdout).toMatch(/directory writable +FAILED/);
  });
});

describe("conveyor --help", () => {
  it("lists the commands and exits 0", async () => {
    const result = await conveyor(["--help"], { cwd: await workspace({}) });
    expect(result.code).toBe(0);
    for (const command of ["plugins", "schema", "validate", "test-connection", "run", "runs"]) expect(result.stdout).toContain(command);
  });

  it("fails an unknown command with exit 2, naming it and listing the commands there are", async () => {
    const result = await conveyor(["worker"], { cwd: await workspace({}) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: unknown command 'worker'");
    for (const command of ["validate", "run", "schedule"]) expect(result.stderr).toMatch(new RegExp(`^  ${command}\\b`, "m"));
  });
});

describe("conveyor runs retry and restart", () => {
  it("retries a failed run once the cause is fixed, and only a failed one", async () => {
    const cwd = await workspace({ "customers.csv": CSV });
    const out = join(cwd, "out");
    await writeFile(out, "a file where the folder should be");
    await writeFile(join(cwd, "job.yaml"), job(out));
    const failed = await conveyor([...plugin, "run", "job.yaml", "--json"], { cwd });
    expect(failed.code).toBe(3);
    const run = JSON.parse(failed.stdout) as { id: string; status: string };
    expect(run.status).toBe("failed");

    const { rm } = await import("node:fs/promises");
    await rm(out);
    const retried = await conveyor([...plugin, "runs", "retry", run.id, "--json"], { cwd });
    expect(retried.stderr).not.toContain("error");
    expect(retried.code).toBe(0);
    expect(JSON.parse(retried.stdout)).toMatchObject({ id: run.id, status: "succeeded", attempt: 2, report: { rows: 3 } });

    const again = await conveyor([...plugin, "runs", "retry", run.id], { cwd });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("only a failed run can be retried or restarted");
  });

  it("restart uses the current configuration; retry refuses a changed job file", async () => {
    const cwd = await workspace({ "customers.csv": CSV });
    await writeFile(join(cwd, "blocked"), "x");
    await writeFile(join(cwd, "job.yaml"), job(join(cwd, "blocked", "out")));
    const failed = JSON.parse((await conveyor([...plugin, "run", "job.yaml", "--json"], { cwd })).stdout) as { id: string };
    await writeFile(join(cwd, "job.yaml"), job(join(cwd, "fixed")));
    const retried = await conveyor([...plugin, "runs", "retry", failed.id], { cwd });
    expect(retried.code).toBe(2);
    expect(retried.stderr).toContain(`use \`conveyor runs restart ${failed.id}\``);
    const restarted = await conveyor([...plugin, "runs", "restart", failed.id, "--json"], { cwd });
    expect(restarted.code).toBe(0);
    expect(JSON.parse(restarted.stdout)).toMatchObject({ status: "succeeded", attempt: 2 });
    expect((await readdir(join(cwd, "fixed"))).some((f) => f.endsWith(".jsonl"))).toBe(true);
  });
});
