import {
  asConnectorError,
  inject,
  injectable,
  TOKENS,
  type ConnectionCheck,
  type Credential,
  type PluginContext,
  type RetryPolicy,
  type SecretRegistry,
} from "@conveyor/core";
import { AccessTokens } from "./access-tokens.js";
import type { LoginWithAmazonConnection } from "./connection.js";
import { tokenUrlOf } from "./endpoints.js";
import type { LwaPlatformSettings, LwaSettings } from "./settings.js";

/** A token request with no answer by then counts as lost (and is retried). */
const REQUEST_TIMEOUT_MS = 30_000;

/** A Login with Amazon client and refresh token, resolved to self-renewing access tokens. */
@injectable()
export class LoginWithAmazonCredential implements Credential<LoginWithAmazonConnection> {
  constructor(
    @inject(TOKENS.settings) private readonly settings: LwaSettings,
    @inject(TOKENS.platformSettings) private readonly platform: LwaPlatformSettings,
    @inject(TOKENS.retryPolicy) private readonly retryPolicy: RetryPolicy,
    @inject(TOKENS.secrets) private readonly secrets: SecretRegistry,
  ) {}

  private tokens(context: PluginContext): AccessTokens {
    const { client_id, client_secret, refresh_token, region } = this.settings;
    return new AccessTokens({
      grant: { tokenUrl: tokenUrlOf(region, this.platform.lwa_endpoint), clientId: client_id, clientSecret: client_secret, refreshToken: refresh_token },
      clock: context.clock,
      retryPolicy: this.retryPolicy,
      signal: context.signal,
      logger: context.logger,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      onToken: (token) => this.secrets.add(token),
      // The registry already holds the client secret and refresh token (the plugin declares them).
      scrub: (text) => this.secrets.redact(text),
    });
  }

  /** Gets the first access token now, so refused credentials fail before any data moves. */
  async resolve(context: PluginContext): Promise<LoginWithAmazonConnection> {
    const tokens = this.tokens(context);
    await tokens.get();
    return {
      kind: "login-with-amazon",
      clientId: this.settings.client_id,
      region: this.settings.region,
      accessToken: () => tokens.get(),
      invalidate: (token) => tokens.invalidate(token),
    };
  }

  async test(context: PluginContext): Promise<ConnectionCheck[]> {
    const name = "access token";
    try {
      await this.tokens(context).get();
      return [{ name, status: "ok", message: `Login with Amazon issued an access token to client ${this.settings.client_id} (region ${this.settings.region})` }];
    } catch (error) {
      const e = asConnectorError(error);
      return [{ name, status: "failed", message: e.message, error: e.toJSON() }];
    }
  }
}
