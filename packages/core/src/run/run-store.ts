import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { invalidInput } from "../errors.js";
import type { RunRecord } from "./run-record.js";

/**
 * Where runs are kept, so a host can list them, show them and run a failed one again. Records
 * reach a store already redacted.
 */
export interface RunStore {
  save(run: RunRecord): Promise<void>;
  /** A run by id, or by a prefix that matches exactly one run; `run.not-found` otherwise. */
  load(idOrPrefix: string): Promise<RunRecord>;
  /** Newest first. */
  list(): Promise<RunRecord[]>;
}

/** Runs as JSON files under `<stateDir>/runs/` (what `conveyor runs` reads). */
export class FileRunStore implements RunStore {
  readonly dir: string;

  constructor(stateDir: string) {
    this.dir = join(stateDir, "runs");
  }

  async save(run: RunRecord): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file = join(this.dir, `${run.id}.json`);
    // Write then rename: a crash never leaves a truncated record behind.
    const partial = `${file}.${process.pid}.partial`;
    await writeFile(partial, JSON.stringify(run, null, 2) + "\n");
    await rename(partial, file);
  }

  async load(idOrPrefix: string): Promise<RunRecord> {
    const id = pickId(await this.ids(), idOrPrefix, this.dir);
    return JSON.parse(await readFile(join(this.dir, `${id}.json`), "utf8")) as RunRecord;
  }

  async list(): Promise<RunRecord[]> {
    return newestFirst(await Promise.all((await this.ids()).map((id) => this.load(id))));
  }

  private async ids(): Promise<string[]> {
    try {
      return (await readdir(this.dir)).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
  }
}

/** Runs kept in this process only (tests, short-lived hosts); records are copied in and out. */
export class MemoryRunStore implements RunStore {
  private readonly runs = new Map<string, string>();

  async save(run: RunRecord): Promise<void> {
    this.runs.set(run.id, JSON.stringify(run));
  }

  async load(idOrPrefix: string): Promise<RunRecord> {
    return JSON.parse(this.runs.get(pickId([...this.runs.keys()], idOrPrefix, "this host's run store"))!) as RunRecord;
  }

  async list(): Promise<RunRecord[]> {
    return newestFirst([...this.runs.values()].map((text) => JSON.parse(text) as RunRecord));
  }
}

function pickId(ids: readonly string[], idOrPrefix: string, where: string): string {
  const matches = ids.filter((id) => id.startsWith(idOrPrefix));
  const id = matches.find((m) => m === idOrPrefix) ?? (matches.length === 1 ? matches[0] : undefined);
  if (id) return id;
  throw invalidInput(
    "run.not-found",
    matches.length > 1 ? `run id "${idOrPrefix}" is ambiguous: ${matches.slice(0, 5).join(", ")}…` : `no run "${idOrPrefix}" in ${where}`,
  );
}

const newestFirst = (runs: RunRecord[]) => runs.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
