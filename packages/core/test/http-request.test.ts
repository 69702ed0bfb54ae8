import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConnectorError, httpRequest, type HttpRequestOptions } from "../src/index.js";

/** One scripted answer per request, in order; the last one repeats. */
type Answer = { status: number; body?: string; headers?: Record<string, string> } | "reset" | "hang";

let server: Server;
let url: string;
let answers: Answer[] = [];
let received: Array<{ method: string; body: string }> = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ method: req.method ?? "", body: Buffer.concat(chunks).toString("utf8") });
      const answer = answers[Math.min(received.length, answers.length) - 1]!;
      if (answer === "reset") return req.socket.destroy();
      if (answer === "hang") return;
      res.writeHead(answer.status, { "content-type": "text/plain", ...answer.headers });
      res.end(answer.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/things`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  answers = [];
  received = [];
});

const waits: number[] = [];
function request(options: Partial<HttpRequestOptions> = {}) {
  waits.length = 0;
  return httpRequest({
    url,
    service: "Things API",
    code: "things",
    operation: "list things",
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    random: () => 0.5,
    sleep: async (ms) => void waits.push(ms),
    ...options,
  });
}
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e as ConnectorError);

describe("httpRequest", () => {
  it("returns a 2xx answer with its status, headers and text", async () => {
    answers = [{ status: 201, body: '{"id":1}', headers: { "x-request-id": "r-1" } }];
    const response = await request({ method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(response).toMatchObject({ status: 201, text: '{"id":1}' });
    expect(response.headers.get("x-request-id")).toBe("r-1");
    expect(received).toEqual([{ method: "POST", body: "{}" }]);
  });

  it("retries 5xx and lost connections of an idempotent request with jittered, growing waits", async () => {
    answers = [{ status: 503 }, "reset", { status: 502 }, { status: 200, body: "ok" }];
    expect((await request()).text).toBe("ok");
    expect(received).toHaveLength(4);
    // Full jitter at random 0.5: half of 100, 200, 400 ms.
    expect(waits).toEqual([50, 100, 200]);
  });

  it("waits what Retry-After asks for, in seconds or as a date", async () => {
    answers = [{ status: 429, headers: { "retry-after": "3" } }, { status: 503, headers: { "retry-after": new Date(Date.now() + 60_000).toUTCString() } }, { status: 204 }];
    await request();
    expect(waits[0]).toBe(3_000);
    expect(waits[1]).toBeGreaterThan(55_000);
  });

  it("gives up after maxAttempts with a transient error naming the service and status", async () => {
    answers = [{ status: 500, body: "database on fire" }];
    const error = await failure(request({ maxAttempts: 3 }));
    expect(received).toHaveLength(3);
    expect(error).toMatchObject({ code: "things.server-error", category: "transient", retryable: true, details: { http_status: 500, operation: "list things" } });
    expect(error?.message).toBe("Things API answered HTTP 500 to list things: database on fire");
  });

  it("does not repeat a POST the service may have carried out (5xx, lost answer), only a 429", async () => {
    answers = [{ status: 500 }];
    expect(await failure(request({ method: "POST", body: "x" }))).toMatchObject({ code: "things.server-error" });
    expect(received).toHaveLength(1);

    received = [];
    answers = ["reset"];
    expect(await failure(request({ method: "POST", body: "x" }))).toMatchObject({ code: "things.unreachable", details: { no_response: true } });
    expect(received).toHaveLength(1);

    received = [];
    answers = [{ status: 429 }, { status: 200 }];
    await request({ method: "POST", body: "same body" });
    expect(received).toEqual([{ method: "POST", body: "same body" }, { method: "POST", body: "same body" }]);
  });

  it("retries a POST declared idempotent, sending a fresh stream from the body function each time", async () => {
    answers = [{ status: 503 }, { status: 200 }];
    await request({ method: "POST", idempotent: true, body: () => Readable.from([Buffer.from("file "), Buffer.from("bytes")]) });
    expect(received).toEqual([{ method: "POST", body: "file bytes" }, { method: "POST", body: "file bytes" }]);
  });

  it("times out an attempt that gets no answer, and retries it", async () => {
    answers = ["hang", { status: 200, body: "late but fine" }];
    expect((await request({ timeoutMs: 200 })).text).toBe("late but fine");
    answers = ["hang"];
    received = [];
    const error = await failure(request({ timeoutMs: 100, maxAttempts: 2 }));
    expect(error).toMatchObject({ code: "things.unreachable", category: "transient", message: "Things API did not answer: no answer in time" });
    expect(received).toHaveLength(2);
  });

  it("maps refusals to a person's action or to invalid input, without retrying", async () => {
    answers = [{ status: 401 }];
    expect(await failure(request())).toMatchObject({ code: "things.unauthorized", category: "needs-person", action: { kind: "fix-credentials" } });
    answers = [{ status: 403 }];
    expect(await failure(request())).toMatchObject({ code: "things.forbidden", category: "needs-person", action: { kind: "fix-permissions" } });
    answers = [{ status: 404, body: "no such thing" }];
    expect(await failure(request())).toMatchObject({ code: "things.request-refused", category: "invalid-input", retryable: false });
    expect(received).toHaveLength(3);
  });

  it("uses the caller's failure mapping, and retries what it calls retryable", async () => {
    answers = [{ status: 409, body: "busy" }, { status: 409, body: "gone" }];
    const mapped = (status: number, text: string) =>
      new ConnectorError({ code: `things.${text}`, category: text === "busy" ? "transient" : "invalid-input", message: `HTTP ${status}` });
    const error = await failure(request({ failure: (r) => mapped(r.status, r.text) }));
    expect(error?.code).toBe("things.gone");
    expect(received).toHaveLength(2);
  });

  it("stops when the caller aborts, with the abort's reason", async () => {
    answers = ["hang"];
    const controller = new AbortController();
    const reason = new Error("run cancelled");
    setTimeout(() => controller.abort(reason), 50);
    await expect(request({ signal: controller.signal })).rejects.toBe(reason);
    expect(received).toHaveLength(1);
  });
});
