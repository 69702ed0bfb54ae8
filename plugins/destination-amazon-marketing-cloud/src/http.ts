import { asConnectorError, ConnectorError } from "@conveyor/core";

/**
 * A request that got no answer (reset, refused, timed out). For a call that creates something,
 * AMC may still have done it: callers that must not repeat it check before trying again.
 */
export function networkError(error: unknown, service: string): ConnectorError {
  if (ConnectorError.is(error)) return error;
  const e = error as Error & { cause?: { code?: string; message?: string } };
  const timedOut = e.name === "TimeoutError";
  const reason = timedOut ? "no answer in time" : (e.cause?.code ?? e.cause?.message ?? e.message);
  return new ConnectorError({
    code: `${service === "AMC" ? "amc" : "lwa"}.unreachable`,
    category: "transient",
    message: `${service} did not answer: ${reason}`,
    details: { no_response: true },
    cause: error,
  });
}

/** Throttling, 5xx and lost connections: worth another attempt (with backoff, or after Retry-After). */
export function isTransientFailure(error: unknown): boolean {
  return asConnectorError(error).category === "transient";
}

/** Whether AMC may have carried out a request it did not confirm (5xx, timeout, reset — not 429). */
export function mayHaveHappened(error: unknown): boolean {
  const e = asConnectorError(error);
  if (e.category !== "transient") return false;
  const status = e.details?.http_status as number | undefined;
  return status === undefined ? e.details?.no_response === true : status >= 500;
}

export function retryAfterOf(error: unknown): number | undefined {
  const value = asConnectorError(error).details?.retry_after_ms;
  return typeof value === "number" ? value : undefined;
}
