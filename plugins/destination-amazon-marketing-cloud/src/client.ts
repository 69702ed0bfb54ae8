import { ConnectorError, httpRequest, parseRetryAfter, type Clock, type HttpResponse, type Logger, type RetryPolicy } from "@conveyor/core";
import type { LoginWithAmazonConnection } from "@conveyor/credential-login-with-amazon";
import { accessDenied, settingsProblem, termsNotAccepted, updateCredentialsAction } from "./actions.js";

export interface AmcClientOptions {
  baseUrl: string;
  /** The api credential's connection: the client id sent with every call, and its access tokens. */
  lwa: LoginWithAmazonConnection;
  instanceId: string;
  /** The AMC account (ENTITY…); resolved from the instance's accounts when not given. */
  accountId?: string;
  marketplaceId: string;
  retryPolicy: RetryPolicy;
  clock: Clock;
  signal: AbortSignal;
  logger: Logger;
  requestTimeoutMs: number;
}

export interface AmcRequest {
  /** For messages and logs: "create upload". */
  operation: string;
  method: "GET" | "POST" | "DELETE";
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  /** Which header set: advertiser data calls or audience calls. */
  api?: "data" | "audience";
  /**
   * `all`: retry throttling, 5xx and lost connections; `throttling`: only 429, which AMC answers
   * before doing anything — for creates, which are not idempotent (their callers decide).
   */
  retries?: "all" | "throttling";
}

/**
 * The advertising API client: Bearer token from LwA (refreshed once on a 401), AMC's headers,
 * JSON in and out, retries with backoff and jitter honouring `Retry-After`, and AMC's error bodies
 * (`{code, details, errors?, requestId}` or `{message, requestId}`) turned into errors a person can act on.
 */
export class AmcClient {
  private account: Promise<string> | undefined;

  constructor(private readonly options: AmcClientOptions) {
    if (options.accountId) this.account = Promise.resolve(options.accountId);
  }

  get instanceId(): string {
    return this.options.instanceId;
  }

  /** The AMC account id: the setting, or the first account `GET /amc/accounts` lists. */
  accountId(): Promise<string> {
    this.account ??= this.firstAccount();
    return this.account;
  }

  /** A 401 for an expired token gets a fresh token and one more try. */
  async request<T>(request: AmcRequest): Promise<T> {
    const { lwa } = this.options;
    const token = await lwa.accessToken();
    try {
      return await this.send<T>(request, token);
    } catch (error) {
      // Terms not accepted is a 401 too, but a fresh token would not help with it.
      if (!ConnectorError.is(error) || error.code !== "credentials.invalid" || error.details?.http_status !== 401) throw error;
      lwa.invalidate(token);
      return this.send<T>(request, await lwa.accessToken());
    }
  }

  private async send<T>(request: AmcRequest, token: string): Promise<T> {
    const { options } = this;
    const url = new URL(options.baseUrl + request.path);
    for (const [k, v] of Object.entries(request.query ?? {})) url.searchParams.set(k, v);
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      "amazon-advertising-api-clientid": options.lwa.clientId,
      accept: "application/json",
      ...(request.body === undefined ? {} : { "content-type": "application/json" }),
    };
    if (request.api === "audience") {
      headers["amazon-marketing-cloud-audience-instanceid"] = options.instanceId;
      headers["amazon-advertising-api-entityid"] = await this.accountId();
    } else if (request.api !== undefined || request.path.startsWith("/amc/advertiserData")) {
      headers["amazon-advertising-api-advertiserid"] = await this.accountId();
      headers["amazon-advertising-api-marketplaceid"] = options.marketplaceId;
    }
    const response = await httpRequest({
      url,
      method: request.method,
      headers,
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      service: "AMC",
      code: "amc",
      operation: request.operation,
      idempotent: (request.retries ?? "all") === "all",
      timeoutMs: options.requestTimeoutMs,
      ...options.retryPolicy,
      signal: options.signal,
      sleep: (ms, s) => options.clock.sleep(ms, s),
      onRetry: ({ attempt, delayMs, error }) =>
        options.logger.warn({ operation: request.operation, attempt, delay_ms: delayMs, error: (error as ConnectorError).code }, "retrying AMC request"),
      failure: (answer) => this.failure(request, answer),
    });
    return parseBody(response) as T;
  }

  private failure(request: AmcRequest, response: HttpResponse): ConnectorError {
    const { status } = response;
    const body = parseBody(response);
    const amcCode = typeof body?.code === "string" ? body.code : undefined;
    const said = amcSaid(body);
    const details = {
      http_status: status,
      operation: request.operation,
      ...(amcCode ? { amc_code: amcCode } : {}),
      ...(said ? { amc_details: said } : {}),
      ...(typeof body?.requestId === "string" ? { request_id: body.requestId } : {}),
    };
    const what = `AMC answered HTTP ${status}${amcCode ? ` ${amcCode}` : ""} to ${request.operation}${said ? `: ${said}` : ""}`;
    if (status === 429 || status >= 500) {
      return new ConnectorError({
        code: status === 429 ? "amc.throttled" : "amc.server-error",
        category: "transient",
        message: what,
        details: { ...details, ...(status === 429 ? { retry_after_ms: parseRetryAfter(response.headers.get("retry-after")) } : {}) },
      });
    }
    if (status === 401 && isTermsRefusal(body)) return termsNotAccepted(this.options.instanceId, said || what);
    if (status === 401) {
      return new ConnectorError({ code: "credentials.invalid", category: "needs-person", message: `Invalid credentials: ${what} (after a fresh Login with Amazon token)`, action: updateCredentialsAction(`AMC refused a fresh access token${said ? ` (${said})` : ""}`), details });
    }
    if (status === 403) return accessDenied(this.options.instanceId, what, details);
    if (status === 404) return new ConnectorError({ code: "amc.not-found", category: "invalid-input", message: what, details });
    return new ConnectorError({ code: "amc.request-refused", category: "invalid-input", message: what, details });
  }

  private async firstAccount(): Promise<string> {
    try {
      const body = await this.request<{ amcAccounts?: Array<{ accountId?: string }> }>({ operation: "list AMC accounts", method: "GET", path: "/amc/accounts" });
      const first = body.amcAccounts?.find((a) => typeof a.accountId === "string")?.accountId;
      if (first) return first;
    } catch (error) {
      if (!ConnectorError.is(error) || error.code !== "amc.not-found") throw error;
    }
    throw settingsProblem("amc_account_id", "is blank, and AMC lists no account for these credentials", "set amc_account_id to the entityId (ENTITY…) shown in the AMC console");
  }
}

/** AMC's JSON answer; anything else kept as its first words, for messages. */
function parseBody(response: HttpResponse): Record<string, unknown> | undefined {
  if (response.text === "") return undefined;
  try {
    return JSON.parse(response.text) as Record<string, unknown>;
  } catch {
    return { details: response.text.slice(0, 200) };
  }
}

/**
 * What AMC said, from either of its error shapes: the service's `{code, details, errors?}` or the
 * gateway's `{message}` (both carry `requestId`, kept separately).
 */
function amcSaid(body: Record<string, unknown> | undefined): string {
  const errors = Array.isArray(body?.errors) ? body.errors.slice(0, 3) : [];
  return [body?.details, body?.message, ...errors].filter((x): x is string => typeof x === "string" && x !== "").join("; ");
}

/** A 401 because the account has not accepted AMC's terms: a fresh token would not help. */
function isTermsRefusal(body: Record<string, unknown> | undefined): boolean {
  return body?.code === "TERMS_NOT_ACCEPTED" || /terms/i.test(amcSaid(body));
}
