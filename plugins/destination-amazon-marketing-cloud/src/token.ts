import { ConnectorError, parseRetryAfter, retry, type Clock, type RetryPolicy } from "@conveyor/core";
import { invalidLwaCredentials } from "./actions.js";
import { isTransientFailure, networkError, retryAfterOf } from "./http.js";

export interface LwaCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

export interface TokenProviderOptions {
  tokenUrl: string;
  credentials: LwaCredentials;
  clock: Clock;
  retryPolicy: RetryPolicy;
  signal: AbortSignal;
  requestTimeoutMs: number;
}

/** Refreshed this long before the expiry LwA gave (or a tenth of the lifetime, if shorter). */
const EARLY_REFRESH_MS = 5 * 60 * 1000;

/**
 * Login with Amazon access tokens from the refresh token: one at a time (concurrent callers share
 * a refresh), renewed before it expires, and on demand when AMC says it has expired.
 */
export class LwaTokenProvider {
  private current: { token: string; refreshAt: number } | undefined;
  private pending: Promise<string> | undefined;
  /** How many tokens were fetched (for reports and tests). */
  refreshes = 0;

  constructor(private readonly options: TokenProviderOptions) {}

  async token(): Promise<string> {
    if (this.current && this.options.clock.now().getTime() < this.current.refreshAt) return this.current.token;
    this.pending ??= this.fetch().finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** AMC refused `token` as expired: the next call fetches a new one (unless another caller already did). */
  invalidate(token: string): void {
    if (this.current?.token === token) this.current = undefined;
  }

  private async fetch(): Promise<string> {
    const { credentials, clock } = this.options;
    const form = new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: credentials.refreshToken,
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
    });
    const body = await retry(
      async () => {
        let response: Response;
        try {
          response = await fetch(this.options.tokenUrl, {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded;charset=UTF-8", accept: "application/json" },
            body: form,
            signal: AbortSignal.any([this.options.signal, AbortSignal.timeout(this.options.requestTimeoutMs)]),
          });
        } catch (error) {
          throw networkError(error, "Login with Amazon");
        }
        const text = await response.text();
        const json = parseJson(text);
        if (response.ok && typeof json?.access_token === "string") return json as { access_token: string; expires_in?: number };
        const oauth = typeof json?.error === "string" ? json.error : undefined;
        if (response.status === 429 || response.status >= 500) {
          throw new ConnectorError({
            code: "lwa.unavailable",
            category: "transient",
            message: `Login with Amazon answered HTTP ${response.status}`,
            details: { http_status: response.status, retry_after_ms: parseRetryAfter(response.headers.get("retry-after")) },
          });
        }
        // invalid_grant (refresh token revoked or wrong), invalid_client (id or secret wrong), …
        throw invalidLwaCredentials(`${oauth ?? `HTTP ${response.status}`}${typeof json?.error_description === "string" ? ` (${json.error_description})` : ""}`, {
          http_status: response.status,
          ...(oauth ? { oauth_error: oauth } : {}),
        });
      },
      {
        ...this.options.retryPolicy,
        signal: this.options.signal,
        isRetryable: isTransientFailure,
        retryAfterMs: retryAfterOf,
        sleep: (ms, signal) => clock.sleep(ms, signal),
      },
    );
    this.refreshes++;
    const lifetimeMs = (typeof body.expires_in === "number" ? body.expires_in : 3600) * 1000;
    const now = clock.now().getTime();
    this.current = { token: body.access_token, refreshAt: now + lifetimeMs - Math.min(EARLY_REFRESH_MS, lifetimeMs / 10) };
    return body.access_token;
  }
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
