import { ConnectorError } from "@conveyor/core";
import type { LwaRegion } from "./settings.js";

/**
 * What the login-with-amazon credential resolves to, and what Amazon Ads destinations take: the
 * client id (sent as Amazon-Advertising-API-ClientId), the region (which API host to call), and
 * access tokens that stay valid — never the client secret or refresh token.
 */
export interface LoginWithAmazonConnection {
  /** The kind the plugin `provides`, which a destination's credential role accepts. */
  readonly kind: "login-with-amazon";
  readonly clientId: string;
  readonly region: LwaRegion;
  /** A token valid for a while yet: the cached one, or a fresh one when it is about to expire. */
  accessToken(): Promise<string>;
  /** The API answered 401 for `token` (expired early, revoked): the next `accessToken()` gets a new one. */
  invalidate(token: string): void;
}

export function isLoginWithAmazonConnection(value: unknown): value is LoginWithAmazonConnection {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "login-with-amazon";
}

/** The connection a destination was given, or a clear error when its credential is another kind. */
export function requireLoginWithAmazonConnection(value: unknown, destination: string): LoginWithAmazonConnection {
  if (isLoginWithAmazonConnection(value)) return value;
  throw new ConnectorError({
    code: "settings.invalid",
    category: "invalid-input",
    message: `${destination} needs a login-with-amazon credential (client_id, client_secret, refresh_token, region) for the Amazon Ads API`,
  });
}
