/**
 * A benchmark compares a subject with a baseline measured in the same run, each variant in its
 * own fresh process so peak RSS belongs to it alone.
 */
export interface Measurement {
  /** Rows processed. */
  rows: number;
  /** Bytes produced (or consumed, for a baseline that only reads). */
  bytes: number;
}

export interface Variant {
  label: string;
  /** Multiplies the run's row count (e.g. 10 for "the same at 10M rows"). Default 1. */
  rowsFactor?: number;
  /** Untimed set-up (start emulators, generate keys) before `run` is timed. */
  prepare?(options: { rows: number }): Promise<void>;
  run(options: { rows: number }): Promise<Measurement>;
}

export interface Scenario {
  /** Short id used on the command line: `pnpm bench csv-gzip`. */
  name: string;
  description: string;
  baseline: Variant;
  subject: Variant;
  /**
   * `throughput`: subject rows/s ÷ baseline rows/s must be ≥ value.
   * `peak-rss`: subject peak RSS ÷ baseline peak RSS must be ≤ value.
   */
  goal: { metric: "throughput" | "peak-rss"; value: number };
  /** Extra node flags for both variants' processes (e.g. `--openssl-legacy-provider`). */
  nodeArgs?: string[];
}

export interface VariantResult {
  label: string;
  rows: number;
  bytes: number;
  seconds: number;
  rowsPerSecond: number;
  mbPerSecond: number;
  peakRssMb: number;
}

/** A scenario module exports `scenarios` (an array), or a default scenario or array. */
export async function loadScenarios(modulePath: string): Promise<Scenario[]> {
  const { pathToFileURL } = await import("node:url");
  const module = (await import(pathToFileURL(modulePath).href)) as { scenarios?: Scenario[]; default?: Scenario | Scenario[] };
  const found = module.scenarios ?? module.default;
  if (!found) throw new Error(`${modulePath} exports no scenarios`);
  return Array.isArray(found) ? found : [found];
}
