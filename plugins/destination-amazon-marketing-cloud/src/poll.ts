import { ConnectorError, type Clock } from "@conveyor/core";

export interface PollOptions {
  clock: Clock;
  signal: AbortSignal;
  /** Give up after this much waiting (the sum of the waits between polls). */
  timeoutMs: number;
  /** What is being waited for, for the timeout message. */
  what: string;
  firstDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Calls `check` until it returns a result, waiting 1 s, then 1.5× longer each time up to 30 s:
 * quick for the emulator's seconds, gentle on AMC for uploads that take an hour.
 */
export async function poll<T>(check: () => Promise<T | undefined>, options: PollOptions): Promise<T> {
  let delay = options.firstDelayMs ?? 1_000;
  let waited = 0;
  for (;;) {
    const result = await check();
    if (result !== undefined) return result;
    if (waited >= options.timeoutMs) {
      throw new ConnectorError({
        code: "amc.wait-timeout",
        category: "transient",
        message: `gave up waiting for ${options.what} after ${Math.round(waited / 60_000)} minutes (wait_timeout_minutes); AMC may still finish it — check before running again`,
      });
    }
    await options.clock.sleep(delay, options.signal);
    waited += delay;
    delay = Math.min(options.maxDelayMs ?? 30_000, Math.round(delay * 1.5));
  }
}
