import { ConnectorError } from "./errors.js";
import { parseRetryAfter, retry, type RetryOptions } from "./retry.js";

/**
 * A request body that can be sent again on a retry. A stream is given as a function that opens a
 * fresh one for each attempt (a stream once read is gone).
 */
export type HttpBody = string | Uint8Array | URLSearchParams | (() => NonNullable<RequestInit["body"]>);

export interface HttpRequestOptions
  extends Pick<RetryOptions, "maxAttempts" | "baseDelayMs" | "maxDelayMs" | "signal" | "sleep" | "random" | "onRetry"> {
  url: string | URL;
  /** Default GET. */
  method?: string;
  headers?: Record<string, string>;
  body?: HttpBody;
  /** The service, for messages: "AMC did not answer: …". */
  service: string;
  /** The first part of error codes: `amc` gives `amc.unreachable`, `amc.throttled`… */
  code: string;
  /** What the request does, for messages: "create upload". */
  operation: string;
  /**
   * Whether sending the request twice does no harm; default true for GET, HEAD, PUT, DELETE and
   * OPTIONS. Otherwise only a 429 is retried — the service refused before doing anything — while a
   * 5xx or a lost answer may have been carried out: that is left to the caller, which can check.
   */
  idempotent?: boolean;
  /** Per attempt, reading the answer included. Default 30 s. */
  timeoutMs?: number;
  /**
   * The error for an answer outside 2xx, in the service's own words; default {@link httpStatusError}.
   * A retryable error is retried (as idempotency allows); any other is thrown at once.
   */
  failure?: (response: HttpResponse) => ConnectorError;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * `fetch` for a plugin's calls to its service: a timeout per attempt; retries with backoff and
 * jitter (or after the server's `Retry-After`) on 429, 5xx and lost connections, as far as the
 * request's idempotency allows; a 2xx answer returned, anything else thrown as a ConnectorError.
 */
export async function httpRequest(options: HttpRequestOptions): Promise<HttpResponse> {
  const method = options.method ?? "GET";
  const idempotent = options.idempotent ?? IDEMPOTENT_METHODS.has(method.toUpperCase());
  const failure = options.failure ?? ((response: HttpResponse) => httpStatusError(response, options));
  // What each answered attempt's error came from: its status decides a retry, its header the wait.
  const answers = new WeakMap<object, { status: number; retryAfterMs: number | undefined }>();
  const { maxAttempts, baseDelayMs, maxDelayMs, signal, sleep, random, onRetry } = options;
  return retry(
    async () => {
      const response = await send(options, method);
      if (response.status >= 200 && response.status < 300) return response;
      const error = failure(response);
      answers.set(error, { status: response.status, retryAfterMs: parseRetryAfter(response.headers.get("retry-after")) });
      throw error;
    },
    {
      maxAttempts,
      baseDelayMs,
      maxDelayMs,
      signal,
      sleep,
      random,
      onRetry,
      isRetryable: (error) => ConnectorError.is(error) && error.retryable && (idempotent || answers.get(error)?.status === 429),
      retryAfterMs: (error) => answers.get(error as object)?.retryAfterMs,
    },
  );
}

async function send(options: HttpRequestOptions, method: string): Promise<HttpResponse> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const body = typeof options.body === "function" ? options.body() : options.body;
  try {
    const response = await fetch(options.url, {
      method,
      ...(options.headers ? { headers: options.headers } : {}),
      // `duplex` is what fetch needs to send a stream; other bodies ignore it.
      ...(body === undefined ? {} : { body, duplex: "half" }),
      signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
    } as RequestInit);
    return { status: response.status, headers: response.headers, text: await response.text() };
  } catch (error) {
    options.signal?.throwIfAborted();
    throw unreachableError(error, options);
  }
}

/**
 * A request that got no answer (refused, reset, timed out): transient, with `no_response` in its
 * details — for a request that is not idempotent the service may still have carried it out.
 */
export function unreachableError(error: unknown, service: Pick<HttpRequestOptions, "service" | "code">): ConnectorError {
  if (ConnectorError.is(error)) return error;
  const e = error as Error & { cause?: { code?: string; message?: string } };
  const reason = e.name === "TimeoutError" ? "no answer in time" : (e.cause?.code ?? e.cause?.message ?? e.message);
  return new ConnectorError({
    code: `${service.code}.unreachable`,
    category: "transient",
    message: `${service.service} did not answer: ${reason}`,
    details: { no_response: true },
    cause: error,
  });
}

/**
 * The default error for an answer outside 2xx: 429 and 5xx transient, 401 and 403 for a person
 * (credentials, permissions), other 4xx a refusal of the request. The message quotes the start of
 * the answer, which is where services say why.
 */
export function httpStatusError(response: HttpResponse, request: Pick<HttpRequestOptions, "service" | "code" | "operation">): ConnectorError {
  const { status } = response;
  const said = response.text.trim().slice(0, 200);
  const message = `${request.service} answered HTTP ${status} to ${request.operation}${said ? `: ${said}` : ""}`;
  const details = { http_status: status, operation: request.operation };
  if (status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
    return new ConnectorError({
      code: `${request.code}.${status === 429 ? "throttled" : "server-error"}`,
      category: "transient",
      message,
      details: { ...details, ...(retryAfterMs === undefined ? {} : { retry_after_ms: retryAfterMs }) },
    });
  }
  if (status === 401) {
    return new ConnectorError({
      code: `${request.code}.unauthorized`,
      message,
      details,
      action: {
        kind: "fix-credentials",
        id: `${request.code}.unauthorized`,
        title: "Invalid credentials",
        problem: `${request.service} did not accept the credentials.`,
        steps: [`Check the credentials against the ones ${request.service} issued.`, "Update the credential's settings.", "Retry the task."],
      },
    });
  }
  if (status === 403) {
    return new ConnectorError({
      code: `${request.code}.forbidden`,
      message,
      details,
      action: {
        kind: "fix-permissions",
        id: `${request.code}.forbidden`,
        title: "Invalid permissions",
        problem: `${request.service} refused to ${request.operation} for these credentials.`,
        steps: [`Grant the credentials' account the permission to ${request.operation} in ${request.service}.`, "Retry the task."],
      },
    });
  }
  return new ConnectorError({ code: `${request.code}.request-refused`, category: "invalid-input", message, details });
}
