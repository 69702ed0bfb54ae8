/**
 * What the AMC emulator answers: a status, a JSON body and headers. Handlers return a Reply
 * instead of writing to the socket, so the server can still decide to drop it (the
 * "drop-response" fault) after the request has been fully processed.
 */
import { randomUUID } from "node:crypto";

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** AMC's error codes (inferred names; the body shapes are Amazon's, see {@link errorReply}). */
export type AmcErrorCode =
  | "BAD_REQUEST" | "UNAUTHORIZED" | "TERMS_NOT_ACCEPTED" | "FORBIDDEN" | "NOT_FOUND" | "CONFLICT"
  | "UNSUPPORTED_MEDIA_TYPE" | "TOO_MANY_REQUESTS" | "INTERNAL_ERROR" | "GATEWAY_TIMEOUT";

const STATUS: Record<AmcErrorCode, number> = {
  BAD_REQUEST: 400, UNAUTHORIZED: 401, TERMS_NOT_ACCEPTED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409,
  UNSUPPORTED_MEDIA_TYPE: 415, TOO_MANY_REQUESTS: 429, INTERNAL_ERROR: 500, GATEWAY_TIMEOUT: 504,
};

/**
 * Refusals made in front of the AMC service — throttling, gateway timeouts, an account the token
 * may not act for — come in the gateway's shape `{message, requestId}` (which refusal takes which
 * shape is inferred); the rest in the service's `{code, details, errors?, requestId}`.
 */
const GATEWAY_CODES: ReadonlySet<AmcErrorCode> = new Set(["FORBIDDEN", "TOO_MANY_REQUESTS", "GATEWAY_TIMEOUT"]);

/** Thrown by handlers; the server turns it into the error body. */
export class AmcError extends Error {
  readonly status: number;
  constructor(readonly code: AmcErrorCode, readonly details: string, readonly errors?: string[], readonly headers?: Record<string, string>) {
    super(details);
    this.status = STATUS[code];
  }
}

export const badRequest = (details: string, errors?: string[]) => new AmcError("BAD_REQUEST", details, errors);
export const notFound = (details: string) => new AmcError("NOT_FOUND", details);

export function errorReply(error: AmcError): Reply {
  const body = GATEWAY_CODES.has(error.code)
    ? { message: error.details, requestId: randomUUID() }
    : { code: error.code, details: error.details, ...(error.errors ? { errors: error.errors } : {}), requestId: randomUUID() };
  return { status: error.status, body, ...(error.headers ? { headers: error.headers } : {}) };
}

export const ok = (body: unknown, status = 200): Reply => ({ status, body });
