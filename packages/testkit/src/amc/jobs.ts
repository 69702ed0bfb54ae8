/**
 * AMC's asynchronous work — uploads, user deletions, audiences — as jobs on the emulator clock:
 * each starts (IN_PROGRESS / RUNNING) `startMs` after it was created and finishes `finishMs`
 * after, in creation order, so strategies and deletions apply to the stored rows in the order
 * they were asked for. Nothing runs on a timer: `tick()` is called on every request and every
 * test-API read, so advancing the clock is all a test needs to do.
 */
import type { EmulatorClock } from "../aws/clock.js";

export interface JobDelays {
  /** After this long a job is IN_PROGRESS (uploads) / RUNNING (audiences). Default 200 ms. */
  startMs: number;
  /** After this long it finishes, once its work (reading S3) is done. Default 1000 ms. */
  finishMs: number;
}

export interface Job {
  createdAt: number;
  done: boolean;
  start(): void;
  /** Whether the job's background work (if any) has settled. */
  ready(): boolean;
  finish(now: number): void;
}

export class JobQueue {
  private readonly jobs: Job[] = [];
  private readonly work = new Set<Promise<unknown>>();

  constructor(readonly clock: EmulatorClock, readonly delays: JobDelays) {}

  add(job: Job, work?: Promise<unknown>): void {
    this.jobs.push(job);
    if (work) {
      this.work.add(work);
      void work.finally(() => this.work.delete(work));
    }
  }

  tick(): void {
    const now = this.clock.now();
    for (const job of this.jobs) if (!job.done && now >= job.createdAt + this.delays.startMs) job.start();
    for (const job of this.jobs) {
      if (job.done) continue;
      // A later job never overtakes an earlier one: order of application is order of creation.
      if (now < job.createdAt + this.delays.finishMs || !job.ready()) break;
      job.finish(now);
      job.done = true;
    }
  }

  /** Resolves when every background read has settled (then `tick()` can finish due jobs). */
  async settle(): Promise<void> {
    while (this.work.size > 0) await Promise.allSettled([...this.work]);
    this.tick();
  }
}

/** AMC's timestamps: UTC, second precision (`yyyy-MM-ddTHH:mm:ssZ`). */
export const amcTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
