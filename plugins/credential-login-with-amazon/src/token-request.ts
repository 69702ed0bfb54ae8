import { parseRetryAfter } from "@conveyor/core";
import { credentialsRefused, tokenEndpointUnavailable, tokenEndpointUnreachable, unexpectedAnswer } from "./errors.js";

export interface RefreshGrant {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

export interface IssuedToken {
  accessToken: string;
  /** Seconds, as Login with Amazon gave them. */
  expiresInSeconds: number;
}

export interface RequestOptions {
  signal: AbortSignal;
  timeoutMs: number;
  now: Date;
  /** Removes secret values from Amazon's own words before they go into an error. */
  scrub: (text: string) => string;
}

/** Access tokens last an hour; a response without `expires_in` is taken to mean that. */
const DEFAULT_LIFETIME_SECONDS = 3600;

/** One OAuth 2 refresh-token grant: one POST, and its token or a classified ConnectorError. */
export async function requestAccessToken(grant: RefreshGrant, options: RequestOptions): Promise<IssuedToken> {
  const form = new URLSearchParams({
    grant_type: "refresh_token",
    refresh_token: grant.refreshToken,
    client_id: grant.clientId,
    client_secret: grant.clientSecret,
  });
  let status: number;
  let retryAfter: string | null;
  let text: string;
  try {
    const response = await fetch(grant.tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded;charset=UTF-8", accept: "application/json" },
      body: form,
      signal: AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]),
    });
    status = response.status;
    retryAfter = response.headers.get("retry-after");
    text = await response.text();
  } catch (error) {
    // The run was cancelled: that is no failure of Login with Amazon.
    options.signal.throwIfAborted();
    throw tokenEndpointUnreachable(error);
  }
  const body = parseObject(text);
  if (status >= 200 && status < 300) {
    if (typeof body?.access_token !== "string" || body.access_token === "") throw unexpectedAnswer(status, "no access_token");
    const expiresIn = typeof body.expires_in === "number" && body.expires_in > 0 ? body.expires_in : DEFAULT_LIFETIME_SECONDS;
    return { accessToken: body.access_token, expiresInSeconds: expiresIn };
  }
  if (status === 429 || status >= 500) throw tokenEndpointUnavailable(status, parseRetryAfter(retryAfter, options.now));
  const oauthError = typeof body?.error === "string" ? body.error : undefined;
  const description = typeof body?.error_description === "string" ? options.scrub(body.error_description).slice(0, 300) : undefined;
  if (status === 401 || oauthError === "invalid_client" || oauthError === "unauthorized_client" || oauthError === "invalid_grant") {
    throw credentialsRefused(grant.clientId, { status, ...(oauthError ? { oauthError } : {}), ...(description ? { description } : {}) });
  }
  // invalid_request, unsupported_grant_type, …: the request's form, which no setting changes.
  throw unexpectedAnswer(status, oauthError ? `${oauthError}${description ? ` (${description})` : ""}` : "no OAuth error");
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
