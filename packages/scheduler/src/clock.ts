import { invalidInput, sleepFor, type Clock } from "@conveyor/core";

/**
 * Test hook `CONVEYOR_SCHEDULER_CLOCK=<start ISO>,<speed>[,<real anchor ISO>]`: time starts at
 * `start` at the real instant `anchor` (default: now) and runs `speed` times faster, so an
 * end-to-end test sees one-minute slots every few seconds. Processes given the same anchor share
 * one timeline, so time passes while a scheduler is stopped, as it would in production.
 */
export function scaledClock(spec: string, realNow: () => number = Date.now): Clock {
  const [start, speedText, anchorText] = spec.split(",");
  const startMs = Date.parse(start ?? "");
  const speed = Number(speedText);
  const anchor = anchorText ? Date.parse(anchorText) : realNow();
  if (Number.isNaN(startMs) || !(speed > 0) || Number.isNaN(anchor)) {
    throw invalidInput("scheduler.invalid-clock", `CONVEYOR_SCHEDULER_CLOCK: "${spec}" must be <start ISO time>,<speed > 0>[,<real anchor ISO time>], e.g. 2025-01-01T00:00:00Z,20`);
  }
  return {
    now: () => new Date(startMs + (realNow() - anchor) * speed),
    sleep: (ms, signal) => sleepFor(ms / speed, signal),
  };
}
