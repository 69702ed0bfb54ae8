import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { invalidInput } from "../errors.js";
import type { RunRecord } from "./run-record.js";

/** Runs as JSON files under `<stateDir>/runs/`, so `conveyor runs` can show them later. */
export class RunStore {
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

  /** A run by id, or by a prefix that matches exactly one run. */
  async load(idOrPrefix: string): Promise<RunRecord> {
    const ids = (await this.ids()).filter((id) => id.startsWith(idOrPrefix));
    const exact = ids.find((id) => id === idOrPrefix);
    const id = exact ?? (ids.length === 1 ? ids[0] : undefined);
    if (!id) {
      throw invalidInput(
        "run.not-found",
        ids.length > 1
          ? `run id "${idOrPrefix}" is ambiguous: ${ids.slice(0, 5).join(", ")}…`
          : `no run "${idOrPrefix}" in ${this.dir}`,
      );
    }
    return JSON.parse(await readFile(join(this.dir, `${id}.json`), "utf8")) as RunRecord;
  }

  /** Newest first. */
  async list(): Promise<RunRecord[]> {
    const runs = await Promise.all((await this.ids()).map((id) => this.load(id)));
    return runs.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
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
