import { asConnectorError, unreachableError, type ConnectorError } from "@conveyor/core";

/**
 * A request that got no answer (reset, refused, timed out). For a call that creates something,
 * AMC may still have done it: callers that must not repeat it check before trying again.
 */
export function networkError(error: unknown, service: string): ConnectorError {
  return unreachableError(error, { service, code: service === "AMC" ? "amc" : "lwa" });
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
