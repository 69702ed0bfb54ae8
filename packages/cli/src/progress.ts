import type { ProgressReporter, ProgressUpdate } from "@conveyor/runtime";
import { formatBytes, type CliIo } from "./io.js";

/**
 * On a terminal, one line redrawn in place (rows, bytes, rate, elapsed, what is happening);
 * otherwise a plain line every few seconds, so logs stay readable.
 */
export function createProgress(io: CliIo, label: string, now: () => number = Date.now): ProgressReporter {
  const started = now();
  const tty = Boolean(io.stderr.isTTY);
  const state: Required<Pick<ProgressUpdate, "rows" | "bytes" | "files">> & { phase: string } = { rows: 0, bytes: 0, files: 0, phase: "" };
  let lastDraw = 0;
  let frame = 0;
  const render = () => {
    const seconds = (now() - started) / 1000;
    const rate = seconds > 0 ? state.rows / seconds : 0;
    const elapsed = `${String(Math.floor(seconds / 60)).padStart(2, "0")}:${String(Math.floor(seconds % 60)).padStart(2, "0")}`;
    return `${label}  ${state.rows.toLocaleString("en-US")} rows  ${formatBytes(state.bytes)}  ${Math.round(rate).toLocaleString("en-US")} rows/s  ${elapsed}${state.phase ? `  ${state.phase}` : ""}`;
  };
  const draw = (force = false) => {
    const t = now();
    if (!force && t - lastDraw < (tty ? 100 : 5000)) return;
    lastDraw = t;
    if (tty) {
      const bar = "▏▎▍▌▋▊▉█▉▊▋▌▍▎"[frame++ % 14];
      const text = `${bar} ${render()}`.slice(0, (io.stderr.columns ?? 100) - 1);
      io.stderr.write(`\r\x1b[2K${text}`);
    } else {
      io.stderr.write(`progress: ${render()}\n`);
    }
  };
  let finished = false;
  return {
    update(progress) {
      if (progress.rows !== undefined) state.rows = progress.rows;
      if (progress.bytes !== undefined) state.bytes = progress.bytes;
      if (progress.files !== undefined) state.files = progress.files;
      if (progress.phase !== undefined) state.phase = progress.phase;
      draw();
    },
    finish() {
      if (finished) return;
      finished = true;
      if (tty) io.stderr.write(`\r\x1b[2K${render()}\n`);
      else draw(true);
    },
  };
}
