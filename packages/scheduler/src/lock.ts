import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { ConnectorError } from "@conveyor/core";
import { writeJsonAtomic } from "./json-file.js";

export interface Lock {
  release(): Promise<void>;
}

/** Whether a process with this id is running (signal 0 only checks). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * One scheduler per state directory: two would both see a slot due and run it twice. A lock
 * left by a process that is gone (killed) is taken over.
 */
export async function acquireLock(dir: string, now: Date): Promise<Lock> {
  const file = join(dir, "scheduler.lock");
  const holder = await readFile(file, "utf8").then((t) => JSON.parse(t) as { pid: number; started_at: string }, () => undefined);
  if (holder && holder.pid !== process.pid && isAlive(holder.pid)) {
    throw new ConnectorError({
      code: "scheduler.already-running",
      category: "needs-person",
      message: `a scheduler (process ${holder.pid}, started ${holder.started_at}) already runs the schedules in ${dir}; stop it first, or use another --state-dir`,
    });
  }
  await writeJsonAtomic(file, { pid: process.pid, started_at: now.toISOString() });
  return {
    async release() {
      const current = await readFile(file, "utf8").then((t) => JSON.parse(t) as { pid: number }, () => undefined);
      if (current?.pid === process.pid) await rm(file, { force: true });
    },
  };
}

