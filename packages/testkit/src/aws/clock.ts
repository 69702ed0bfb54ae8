/**
 * The emulators' notion of "now". STS stamps credential expiry with it and the S3 front checks
 * expiry against it, so a test can jump past an expiry with `advance()` instead of waiting.
 */
export interface EmulatorClock {
  now(): number;
  /** Moves the clock forward by `ms` milliseconds (real time keeps flowing on top). */
  advance(ms: number): void;
}

export function createClock(start: number = Date.now()): EmulatorClock {
  let offset = start - Date.now();
  return {
    now: () => Date.now() + offset,
    advance(ms: number) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`clock.advance(ms) needs a finite ms >= 0, got ${ms}`);
      offset += ms;
    },
  };
}
