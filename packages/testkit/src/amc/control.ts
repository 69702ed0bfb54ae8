/**
 * The AMC emulator's `/__emulator/` routes, for tools driving it from another process (e.g. an
 * end-to-end test against `conveyor emulators`): faults, stored rows, uploads, terms, tokens; the
 * clock routes are the AWS emulators' own (`POST clock/advance`, `GET clock`).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { CONTROL_PREFIX, handleControl } from "../aws/control-endpoint.js";
import { readText } from "../aws/proxy.js";
import type { AmcEmulator } from "./server.js";

function json(res: ServerResponse, status: number, value?: unknown): void {
  res.statusCode = status;
  if (value === undefined) return void res.end();
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify(value));
}

export async function handleAmcControl(req: IncomingMessage, res: ServerResponse, amc: AmcEmulator): Promise<void> {
  const path = (req.url ?? "").slice(CONTROL_PREFIX.length).split("?")[0]!;
  const route = `${req.method} ${path}`;
  const body = async () => {
    const text = await readText(req, 64 * 1024);
    return text === "" ? {} : (JSON.parse(text) as Record<string, unknown>);
  };
  try {
    const rows = /^GET datasets\/([^/]+)\/rows$/.exec(route);
    if (rows) return json(res, 200, await amc.rows(decodeURIComponent(rows[1]!)));
    switch (route) {
      case "POST faults": return json(res, 201, { id: amc.faults.inject((await body()) as never) });
      case "GET faults": return json(res, 200, { pending: amc.faults.pending(), injected: amc.faults.injected });
      case "DELETE faults":
        amc.faults.clear();
        return json(res, 204);
      case "GET uploads": return json(res, 200, await amc.uploads());
      case "POST terms":
        amc.termsAccepted = (await body())["accepted"] !== false;
        return json(res, 200, { accepted: amc.termsAccepted });
      case "POST tokens/expire":
        amc.tokens.expireAll();
        return json(res, 204);
    }
    return handleControl(req, res, { clock: amc.clock });
  } catch (error) {
    json(res, 400, { error: error instanceof Error ? error.message : String(error) });
  }
}
