/**
 * `pnpm bench [scenario…] [--rows N]`: every scenario's baseline and subject, each in its own
 * process, the subject's ratio to the baseline measured in this same run, then
 * bench/results/latest.json and the table in bench/README.md.
 */
import { execFile } from "node:child_process";
import { readdir, readFile, writeFile, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import os from "node:os";
import { loadScenarios, type Scenario, type VariantResult } from "./harness.js";

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const benchDir = join(here, "..");

interface ScenarioResult {
  name: string;
  description: string;
  goal: Scenario["goal"];
  baseline: VariantResult;
  subject: VariantResult;
  ratio: number;
  met: boolean;
}

function parseArgs(argv: string[]): { rows: number; only: string[] } {
  let rows = 1_000_000;
  const only: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--rows") rows = Number(argv[++i]);
    else if (arg.startsWith("--rows=")) rows = Number(arg.slice(7));
    else if (arg !== "--") only.push(arg);
  }
  if (!Number.isInteger(rows) || rows < 1) throw new Error("--rows takes a whole number ≥ 1");
  return { rows, only };
}

async function measure(modulePath: string, scenario: Scenario, which: "baseline" | "subject", rows: number): Promise<VariantResult> {
  const args = [...(scenario.nodeArgs ?? []), "--import", "tsx", join(here, "measure.ts"), modulePath, scenario.name, which, String(rows)];
  const { stdout } = await run(process.execPath, args, { cwd: benchDir, maxBuffer: 1 << 20 });
  const m = JSON.parse(stdout.trim().split("\n").at(-1)!) as { rows: number; bytes: number; seconds: number; peakRssMb: number };
  return {
    label: scenario[which].label,
    rows: m.rows,
    bytes: m.bytes,
    seconds: m.seconds,
    rowsPerSecond: m.rows / m.seconds,
    mbPerSecond: m.bytes / 1e6 / m.seconds,
    peakRssMb: m.peakRssMb,
  };
}

function ratioOf(scenario: Scenario, baseline: VariantResult, subject: VariantResult): number {
  if (scenario.goal.metric === "peak-rss") return subject.peakRssMb / baseline.peakRssMb;
  // Rows per second, or bytes per second for scenarios that move bytes, not rows.
  return baseline.rows > 0 && subject.rows > 0 ? subject.rowsPerSecond / baseline.rowsPerSecond : subject.mbPerSecond / baseline.mbPerSecond;
}

const { rows, only } = parseArgs(process.argv.slice(2));
const scenarioDir = join(here, "scenarios");
const results: ScenarioResult[] = [];
for (const file of (await readdir(scenarioDir)).filter((f) => f.endsWith(".ts")).sort()) {
  const modulePath = join(scenarioDir, file);
  for (const scenario of await loadScenarios(modulePath)) {
    if (only.length > 0 && !only.includes(scenario.name)) continue;
    process.stderr.write(`${scenario.name}: ${scenario.baseline.label} …`);
    const baseline = await measure(modulePath, scenario, "baseline", rows);
    process.stderr.write(` ${scenario.subject.label} …`);
    const subject = await measure(modulePath, scenario, "subject", rows);
    const ratio = ratioOf(scenario, baseline, subject);
    const met = scenario.goal.metric === "peak-rss" ? ratio <= scenario.goal.value : ratio >= scenario.goal.value;
    process.stderr.write(` ${ratio.toFixed(2)}× ${met ? "(goal met)" : "(goal missed)"}\n`);
    results.push({ name: scenario.name, description: scenario.description, goal: scenario.goal, baseline, subject, ratio, met });
  }
}

const table = renderTable(results, rows);
process.stdout.write(table + "\n");
await mkdir(join(benchDir, "results"), { recursive: true });
const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? "unknown", memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version };
await writeFile(join(benchDir, "results", "latest.json"), JSON.stringify({ date: new Date().toISOString(), rows, machine, results }, null, 2) + "\n");
if (only.length === 0) await updateReadme(table, machine);

function renderTable(list: ScenarioResult[], rowCount: number): string {
  const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const line = (v: VariantResult) => `${fmt(v.rowsPerSecond)} rows/s, ${fmt(v.mbPerSecond, 1)} MB/s, ${fmt(v.peakRssMb)} MB RSS`;
  const head = `| scenario | baseline | subject | ratio | goal |\n|---|---|---|---|---|`;
  const body = list.map((r) => {
    const goal = `${r.goal.metric === "peak-rss" ? "RSS ≤" : "≥"} ${r.goal.value}× ${r.met ? "✅" : "❌"}`;
    return `| ${r.name} | ${r.baseline.label}: ${line(r.baseline)} | ${r.subject.label}: ${line(r.subject)} | ${r.ratio.toFixed(2)}× | ${goal} |`;
  });
  return [`${fmt(rowCount)} rows a scenario (unless it says otherwise).`, "", head, ...body].join("\n");
}

async function updateReadme(tableText: string, machine: Record<string, unknown>): Promise<void> {
  const path = join(benchDir, "README.md");
  const start = "<!-- results:start -->";
  const end = "<!-- results:end -->";
  const text = await readFile(path, "utf8");
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < 0) return;
  const block = `${start}\nMeasured ${new Date().toISOString().slice(0, 10)} on ${machine.cpus} × ${machine.cpu}, ${machine.memoryGb} GB, Node ${machine.node}.\n\n${tableText}\n${end}`;
  await writeFile(path, text.slice(0, i) + block + text.slice(j + end.length));
}
