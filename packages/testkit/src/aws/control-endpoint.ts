/**
 * The emulators' HTTP control endpoint under `/__emulator/`, for tests and tools that drive the
 * emulators from another process (e.g. a shell script against `conveyor emulators`).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorClock } from "./clock.js";
import type { FaultInjector } from "./faults.js";
import { readText } from "./proxy.js";

export const CONTROL_PREFIX = "/__emulator/";

export interface ControlTargets {
  clock: EmulatorClock;
  faults?: FaultInjector;
  pendingMultipartUploads?: () => unknown[];
}

function json(res: ServerResponse, status: number, value?: unknown): void {
  res.statusCode = status;
  if (value === undefined) {
    res.end();
    return;
  }
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify(value));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readText(req, 64 * 1024);
  return text === "" ? {} : JSON.parse(text);
}

/**
 * `POST faults` (a FaultSpec) · `GET faults` (pending, injected, counts) · `DELETE faults` ·
 * `GET multipart-uploads` · `POST clock/advance` (`{"ms": n}`) · `GET clock`.
 */
export async function handleControl(req: IncomingMessage, res: ServerResponse, targets: ControlTargets): Promise<void> {
  const route = `${req.method} ${(req.url ?? "").slice(CONTROL_PREFIX.length).split("?")[0]}`;
  try {
    switch (route) {
      case "POST faults":
        if (!targets.faults) break;
        return json(res, 201, { id: targets.faults.inject((await readJson(req)) as never) });
      case "GET faults": {
        if (!targets.faults) break;
        const counts: Record<string, number> = {};
        for (const f of targets.faults.injected) counts[f.type] = (counts[f.type] ?? 0) + 1;
        return json(res, 200, { pending: targets.faults.pending(), injected: targets.faults.injected, counts });
      }
      case "DELETE faults":
        if (!targets.faults) break;
        targets.faults.clear();
        return json(res, 204);
      case "GET multipart-uploads":
        if (!targets.pendingMultipartUploads) break;
        return json(res, 200, targets.pendingMultipartUploads());
      case "POST clock/advance": {
        const { ms } = (await readJson(req)) as { ms?: unknown };
        targets.clock.advance(Number(ms));
        return json(res, 200, { now: new Date(targets.clock.now()).toISOString() });
      }
      case "GET clock":
        return json(res, 200, { now: new Date(targets.clock.now()).toISOString() });
    }
    json(res, 404, { error: `No control route ${route}` });
  } catch (error) {
    json(res, 400, { error: error instanceof Error ? error.message : String(error) });
  }
}
