import { asConnectorError, ConnectorError, type WorkflowAction } from "@conveyor/core";

/**
 * The failures of a token request, each as a ConnectorError a person (or the retry loop) can act
 * on. What Login with Amazon said is kept (its OAuth error code and description); the client
 * secret and refresh token never are — the caller scrubs Amazon's text before it gets here.
 */

/** The refresh token no longer works (consent revoked, expired, or for another client): authorize again. */
function reconnectAction(clientId: string, said: string): WorkflowAction {
  return {
    kind: "fix-credentials",
    id: "lwa.reconnect",
    title: "Reconnect Login with Amazon",
    problem: `Login with Amazon refused the refresh token of client ${clientId}: ${said}.`,
    steps: [
      "Open the login-with-amazon credential this workflow uses.",
      `Authorize again with Login with Amazon (the OAuth consent of the security profile ${clientId}), signed in as a user with access to the Amazon Ads account, and paste the new refresh token.`,
      "Return to the failed run and retry the task.",
    ],
  };
}

/** The client id or secret is wrong (or the security profile was deleted): fix the client. */
function checkClientAction(clientId: string, said: string): WorkflowAction {
  return {
    kind: "fix-credentials",
    id: "lwa.check-client",
    title: "Check the Login with Amazon client secret",
    problem: `Login with Amazon refused client ${clientId}: ${said}.`,
    steps: [
      "Open the login-with-amazon credential this workflow uses.",
      `In the Amazon developer console, open the security profile of ${clientId} (Web Settings) and check that the client id matches and the client secret is the current one; paste it again if it was rotated.`,
      "If the client id changed, authorize again to get a refresh token for the new client.",
      "Return to the failed run and retry the task.",
    ],
  };
}

/** `invalid_client` or a 401 is about the client; `invalid_grant` and the rest about the refresh token. */
export function credentialsRefused(clientId: string, refusal: { status: number; oauthError?: string; description?: string }): ConnectorError {
  const said = [refusal.oauthError ?? `HTTP ${refusal.status}`, refusal.description].filter(Boolean).join(": ");
  const clientProblem = refusal.oauthError === "invalid_client" || refusal.oauthError === "unauthorized_client" || (refusal.oauthError === undefined && refusal.status === 401);
  return new ConnectorError({
    code: "credentials.invalid",
    category: "needs-person",
    message: `Invalid credentials: Login with Amazon refused client ${clientId} (${said})`,
    action: clientProblem ? checkClientAction(clientId, said) : reconnectAction(clientId, said),
    details: { http_status: refusal.status, ...(refusal.oauthError ? { oauth_error: refusal.oauthError } : {}) },
  });
}

/** Throttled or failing on Amazon's side: worth another attempt, after `Retry-After` when given. */
export function tokenEndpointUnavailable(status: number, retryAfterMs: number | undefined): ConnectorError {
  return new ConnectorError({
    code: status === 429 ? "lwa.throttled" : "lwa.unavailable",
    category: "transient",
    message: `Login with Amazon answered HTTP ${status} to the token request`,
    details: { http_status: status, ...(retryAfterMs === undefined ? {} : { retry_after_ms: retryAfterMs }) },
  });
}

/** No answer (refused, reset, timed out): a token request changes nothing, so repeating it is safe. */
export function tokenEndpointUnreachable(error: unknown): ConnectorError {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  const reason = e.name === "TimeoutError" ? "no answer in time" : (e.cause?.code ?? e.cause?.message ?? e.message);
  return new ConnectorError({
    code: "lwa.unreachable",
    category: "transient",
    message: `Login with Amazon did not answer the token request: ${reason}`,
    details: { no_response: true },
    cause: error,
  });
}

/** A 2xx without a token, or a refusal of the request's form: not something a person can fix. */
export function unexpectedAnswer(status: number, what: string): ConnectorError {
  return new ConnectorError({
    code: "lwa.unexpected-answer",
    category: "internal",
    message: `Login with Amazon answered HTTP ${status} with ${what}`,
    details: { http_status: status },
  });
}

export function isTransient(error: unknown): boolean {
  return asConnectorError(error).category === "transient";
}

export function retryAfterOf(error: unknown): number | undefined {
  const value = asConnectorError(error).details?.retry_after_ms;
  return typeof value === "number" ? value : undefined;
}
