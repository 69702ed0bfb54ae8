/**
 * Login with Amazon: `POST /auth/o2/token` exchanges a refresh token for an access token that
 * expires on the emulator clock, and the AMC routes ask this store whether a Bearer token is good.
 */
import type { EmulatorClock } from "../aws/clock.js";
import { ids } from "./ids.js";
import type { Reply } from "./errors.js";

export interface LwaClient {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

export type TokenCheck = { ok: true; clientId: string } | { ok: false; reason: "missing" | "unknown" | "expired" };

export class LwaStore {
  private readonly clients = new Map<string, LwaClient>();
  private readonly refreshTokens = new Map<string, string>(); // refresh token → client id
  private readonly accessTokens = new Map<string, { clientId: string; expiresAt: number }>();
  /** Every token issued (oldest first), for tests counting refreshes. */
  readonly issued: Array<{ clientId: string; at: number; expiresAt: number }> = [];

  constructor(private readonly clock: EmulatorClock, private readonly lifetimeSeconds: number) {}

  addClient(client: Partial<LwaClient> = {}): LwaClient {
    const full: LwaClient = {
      clientId: client.clientId ?? ids.lwaClientId(),
      clientSecret: client.clientSecret ?? ids.lwaClientSecret(),
      refreshToken: client.refreshToken ?? ids.refreshToken(),
    };
    this.clients.set(full.clientId, full);
    this.refreshTokens.set(full.refreshToken, full.clientId);
    return full;
  }

  hasClient(clientId: string): boolean {
    return this.clients.has(clientId);
  }

  /** The user revoked the app's consent: the refresh token now answers `invalid_grant`. */
  revoke(refreshToken: string): void {
    this.refreshTokens.delete(refreshToken);
  }

  /** Every access token issued so far expires now (as if the clock had passed their expiry). */
  expireAll(): void {
    for (const token of this.accessTokens.values()) token.expiresAt = Math.min(token.expiresAt, this.clock.now());
  }

  check(authorization: string | undefined): TokenCheck {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
    if (!match) return { ok: false, reason: "missing" };
    const token = this.accessTokens.get(match[1]!);
    if (!token) return { ok: false, reason: "unknown" };
    if (this.clock.now() >= token.expiresAt) return { ok: false, reason: "expired" };
    return { ok: true, clientId: token.clientId };
  }

  /** The token endpoint; `form` is the urlencoded body. Errors are OAuth 2 bodies, as LwA sends them. */
  token(form: URLSearchParams): Reply {
    const oauthError = (status: number, error: string, description: string): Reply => ({ status, body: { error, error_description: description } });
    const grantType = form.get("grant_type");
    if (grantType !== "refresh_token") {
      return oauthError(400, "unsupported_grant_type", `grant_type must be refresh_token, got ${JSON.stringify(grantType)}`);
    }
    const clientId = form.get("client_id") ?? "";
    const client = this.clients.get(clientId);
    if (!client || form.get("client_secret") !== client.clientSecret) {
      return oauthError(401, "invalid_client", "Client authentication failed: unknown client_id or wrong client_secret");
    }
    const refreshToken = form.get("refresh_token") ?? "";
    if (this.refreshTokens.get(refreshToken) !== clientId) {
      return oauthError(400, "invalid_grant", "The request has an invalid grant parameter : refresh_token");
    }
    const accessToken = ids.accessToken();
    const expiresAt = this.clock.now() + this.lifetimeSeconds * 1000;
    this.accessTokens.set(accessToken, { clientId, expiresAt });
    this.issued.push({ clientId, at: this.clock.now(), expiresAt });
    return { status: 200, body: { access_token: accessToken, refresh_token: refreshToken, token_type: "bearer", expires_in: this.lifetimeSeconds } };
  }
}
