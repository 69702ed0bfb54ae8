/**
 * Runs one variant of one scenario in this (fresh) process and prints one JSON line:
 * `{ rows, bytes, seconds, peakRssMb }`. Started by run.ts, one process per measurement.
 */
import { loadScenarios } from "./harness.js";

const [modulePath, scenarioName, which, rowsText] = process.argv.slice(2);
const scenario = (await loadScenarios(modulePath!)).find((s) => s.name === scenarioName);
if (!scenario || (which !== "baseline" && which !== "subject")) throw new Error(`no scenario ${scenarioName}/${which} in ${modulePath}`);
const variant = scenario[which];
const rows = Math.round(Number(rowsText) * (variant.rowsFactor ?? 1));
await variant.prepare?.({ rows });
const started = process.hrtime.bigint();
const measured = await variant.run({ rows });
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
// maxRSS is in kilobytes: the peak of this process, which ran nothing else.
const peakRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(JSON.stringify({ ...measured, seconds, peakRssMb }) + "\n");
// Servers a variant started (emulators) must not keep this process alive.
process.exit(0);
