import { ConnectorError, inject, injectable, parseRetryAfter, retry, TOKENS, type Notification, type Notifier, type NotifierContext, type SecretRegistry } from "@conveyor/core";
import type { WebhookSettings } from "./index.js";
import { SIGNATURE_HEADER, signBody } from "./signature.js";

@injectable()
export class WebhookNotifier implements Notifier {
  private readonly url: URL;

  constructor(
    @inject(TOKENS.settings) private readonly settings: WebhookSettings,
    @inject(TOKENS.secrets) private readonly secrets: SecretRegistry,
  ) {
    this.url = new URL(settings.url);
    // A webhook URL's path and query are often its token (Slack, Teams, signed URLs): only its
    // origin may be shown, so the rest is redacted wherever the host prints, logs or stores.
    secrets.add(this.url.href.slice(this.url.origin.length));
  }

  async notify(notification: Notification, context: NotifierContext = {}): Promise<void> {
    const body = JSON.stringify(this.secrets.redactDeep(notification));
    const headers: Record<string, string> = {
      ...this.settings.headers,
      "content-type": "application/json",
      "user-agent": "conveyor-notifier-webhook/0.1.0",
      "x-conveyor-event": notification.kind,
      // Receivers can drop a notification they already have when a retry repeats it.
      "x-conveyor-delivery": notification.id,
    };
    if (this.settings.secret) headers[SIGNATURE_HEADER] = signBody(body, this.settings.secret);
    await retry(() => this.post(body, headers, context.signal), {
      maxAttempts: this.settings.max_attempts,
      baseDelayMs: this.settings.backoff_ms,
      maxDelayMs: Math.max(this.settings.backoff_ms, 30_000),
      // A server's Retry-After is honoured, but never beyond the backoff cap.
      retryAfterMs: (error) => {
        const wait = ConnectorError.is(error) ? (error.details?.retryAfterMs as number | undefined) : undefined;
        return wait === undefined ? undefined : Math.min(wait, 30_000);
      },
      ...(context.signal ? { signal: context.signal } : {}),
    });
  }

  private async post(body: string, headers: Record<string, string>, signal?: AbortSignal): Promise<void> {
    let response: Response;
    try {
      const timeout = AbortSignal.timeout(this.settings.timeout_ms);
      response = await fetch(this.url, { method: "POST", body, headers, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
      await response.arrayBuffer();
    } catch (error) {
      throw new ConnectorError({ code: "webhook.unreachable", category: "transient", message: `webhook ${this.url.origin} could not be reached: ${(error as Error).message}`, cause: error });
    }
    if (response.ok) return;
    const retryable = response.status >= 500 || response.status === 429 || response.status === 408;
    const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
    throw new ConnectorError({
      code: retryable ? "webhook.unavailable" : "webhook.rejected",
      category: retryable ? "transient" : "needs-person",
      message: `webhook ${this.url.origin} answered ${response.status} ${response.statusText}${retryable ? "" : "; check the URL and any token in its headers"}`,
      details: { status: response.status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) },
    });
  }
}
