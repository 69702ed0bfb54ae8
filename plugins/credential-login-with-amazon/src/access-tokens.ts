import { retry, type Clock, type Logger, type RetryPolicy } from "@conveyor/core";
import { isTransient, retryAfterOf } from "./errors.js";
import { requestAccessToken, type RefreshGrant } from "./token-request.js";

export interface AccessTokensOptions {
  grant: RefreshGrant;
  clock: Clock;
  retryPolicy: RetryPolicy;
  signal: AbortSignal;
  logger: Logger;
  requestTimeoutMs: number;
  /** Told every access token as it arrives, so it is scrubbed from logs and errors. */
  onToken: (accessToken: string) => void;
  /** Removes the secrets from Amazon's words before they go into an error. */
  scrub: (text: string) => string;
}

/** At most this long before the expiry Amazon gave, a token is renewed (a tenth of its life if shorter). */
const RENEW_BEFORE_MS = 5 * 60 * 1000;

/**
 * The access tokens of one refresh token: kept until shortly before they expire on the run's
 * clock, so a call never leaves with a token about to lapse; callers that ask together share one
 * request; throttling, 5xx and lost connections are retried with backoff.
 */
export class AccessTokens {
  private current: { token: string; renewAt: number } | undefined;
  private inFlight: Promise<string> | undefined;

  constructor(private readonly options: AccessTokensOptions) {}

  get(): Promise<string> {
    if (this.current && this.options.clock.now().getTime() < this.current.renewAt) return Promise.resolve(this.current.token);
    this.inFlight ??= this.obtain().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** The API refused `token` as expired or revoked: the next `get()` asks for a new one. */
  invalidate(token: string): void {
    if (this.current?.token === token) this.current = undefined;
  }

  private async obtain(): Promise<string> {
    const { clock, logger, signal } = this.options;
    const issued = await retry(
      () => requestAccessToken(this.options.grant, { signal, timeoutMs: this.options.requestTimeoutMs, now: clock.now(), scrub: this.options.scrub }),
      {
        ...this.options.retryPolicy,
        signal,
        isRetryable: isTransient,
        retryAfterMs: retryAfterOf,
        sleep: (ms, s) => clock.sleep(ms, s),
        onRetry: ({ attempt, delayMs, error }) =>
          logger.warn({ attempt, delay_ms: delayMs, error: (error as { code?: string }).code }, "retrying the Login with Amazon token request"),
      },
    );
    this.options.onToken(issued.accessToken);
    const lifetimeMs = issued.expiresInSeconds * 1000;
    this.current = { token: issued.accessToken, renewAt: clock.now().getTime() + lifetimeMs - Math.min(RENEW_BEFORE_MS, lifetimeMs / 10) };
    logger.debug({ client_id: this.options.grant.clientId, expires_in_s: issued.expiresInSeconds }, "obtained a Login with Amazon access token");
    return issued.accessToken;
  }
}
