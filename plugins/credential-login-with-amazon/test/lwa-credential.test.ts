import { DEFAULT_RETRY_POLICY, settingsJsonSchema } from "@conveyor/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import plugin, { requireLoginWithAmazonConnection } from "../src/index.js";
import { failure, listAccounts, make, startWorld, type World } from "./world.js";

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterEach(() => {
  world.amc.faults.clear();
  world.sleeps.length = 0;
  world.logLines.length = 0;
});
afterAll(() => world?.close());

/** A client of its own, so revoking or counting its tokens leaves the other tests alone. */
function newClient() {
  const client = world.amc.tokens.addClient();
  const settings = { client_id: client.clientId, client_secret: client.clientSecret, refresh_token: client.refreshToken };
  const issued = () => world.amc.tokens.issued.filter((t) => t.clientId === client.clientId).length;
  return { client, settings, issued };
}

/** Nothing a person or a log can read holds a secret or an access token. */
function expectNoSecrets(texts: string[], secrets: string[]): void {
  const all = [...texts, ...world.logLines].join("\n");
  for (const secret of secrets) expect(all).not.toContain(secret);
}

const HOUR_MS = 3600 * 1000;
const MINUTE_MS = 60 * 1000;

describe("login-with-amazon resolve", () => {
  it("resolves to the client id, the region and an access token the Amazon Ads API takes", async () => {
    const { settings } = newClient();
    const { credential, context } = await make(world, { ...settings, region: "EU" });
    const connection = requireLoginWithAmazonConnection(await credential.resolve(context), "test");
    expect(connection).toMatchObject({ kind: "login-with-amazon", clientId: settings.client_id, region: "EU" });
    expect(await listAccounts(world, connection)).toBe(200);
  });

  it("defaults the region to NA", async () => {
    const { credential, context } = await make(world, newClient().settings);
    expect((await credential.resolve(context)).region).toBe("NA");
  });

  it("keeps the access token: one token request for many calls, and one for callers that ask together", async () => {
    const { settings, issued } = newClient();
    const { credential, context } = await make(world, settings);
    const connection = await credential.resolve(context);
    const first = await connection.accessToken();
    expect(await connection.accessToken()).toBe(first);
    expect(issued()).toBe(1);

    // Past its renewal time, ten concurrent callers share a single new token.
    world.amc.clock.advance(HOUR_MS);
    const tokens = await Promise.all(Array.from({ length: 10 }, () => connection.accessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(first);
    expect(issued()).toBe(2);
  });

  it("renews the token shortly before it expires on the run's clock, not after", async () => {
    const { settings, issued } = newClient();
    const { credential, context } = await make(world, settings);
    const connection = await credential.resolve(context);
    const first = await connection.accessToken();

    // The emulator's tokens last an hour: at 54 minutes the token is still kept…
    world.amc.clock.advance(54 * MINUTE_MS);
    expect(await connection.accessToken()).toBe(first);
    expect(issued()).toBe(1);

    // …at 56 minutes (within five minutes of expiry) it is replaced while it still works.
    world.amc.clock.advance(2 * MINUTE_MS);
    expect(await listAccounts(world, connection, first)).toBe(200);
    const second = await connection.accessToken();
    expect(second).not.toBe(first);
    expect(issued()).toBe(2);

    // Once the first has expired, the API refuses it and takes the renewed one.
    world.amc.clock.advance(5 * MINUTE_MS);
    expect(await listAccounts(world, connection, first)).toBe(401);
    expect(await listAccounts(world, connection)).toBe(200);
    expect(issued()).toBe(2);
  });

  it("gets a new token when the API refused the current one (invalidate)", async () => {
    const { settings, issued } = newClient();
    const { credential, context } = await make(world, settings);
    const connection = await credential.resolve(context);
    const first = await connection.accessToken();
    world.amc.tokens.expireAll();
    expect(await listAccounts(world, connection, first)).toBe(401);

    connection.invalidate("some other token");
    expect(await connection.accessToken()).toBe(first);
    connection.invalidate(first);
    const second = await connection.accessToken();
    expect(second).not.toBe(first);
    expect(await listAccounts(world, connection, second)).toBe(200);
    expect(issued()).toBe(2);
  });

  it("registers every access token with the secret registry, so logs and errors scrub it", async () => {
    const { settings } = newClient();
    const { host, credential, context } = await make(world, settings);
    const token = await (await credential.resolve(context)).accessToken();
    expect(host.secrets.redact(`Bearer ${token}`)).toBe("Bearer [REDACTED]");
    context.logger.info({ note: `leaked ${token}` }, "a careless line");
    expectNoSecrets([], [token, settings.client_secret, settings.refresh_token]);
  });

  it("asks the host's lwa_endpoint, a bare host getting the token path", async () => {
    const { settings } = newClient();
    const { credential, context } = await make(world, settings, { lwa_endpoint: world.amc.endpoint });
    expect(await listAccounts(world, await credential.resolve(context))).toBe(200);
    expect(world.amc.requests.at(-2)).toMatchObject({ operation: "Token", path: "/auth/o2/token", status: 200 });
  });
});

describe("login-with-amazon refusals", () => {
  it("reports a revoked refresh token as Invalid credentials with the reconnect action, no secret in it", async () => {
    const { client, settings } = newClient();
    world.amc.tokens.revoke(client.refreshToken);
    const { credential, context } = await make(world, settings);
    const error = await failure(credential.resolve(context));
    expect(error).toMatchObject({ code: "credentials.invalid", category: "needs-person", retryable: false, details: { http_status: 400, oauth_error: "invalid_grant" } });
    expect(error.message).toContain(`Invalid credentials: Login with Amazon refused client ${client.clientId} (invalid_grant`);
    expect(error.action).toMatchObject({ kind: "fix-credentials", id: "lwa.reconnect", title: "Reconnect Login with Amazon" });
    expect(error.action!.steps.join(" ")).toMatch(/Authorize again .* paste the new refresh token/);
    // A refusal is final: asked once, never retried.
    expect(world.sleeps).toEqual([]);

    const checks = await credential.test(context);
    expect(checks).toEqual([expect.objectContaining({ name: "access token", status: "failed", error: expect.objectContaining({ code: "credentials.invalid", action: error.action }) })]);
    expectNoSecrets([JSON.stringify(error.toJSON()), error.message, JSON.stringify(checks)], [settings.client_secret, settings.refresh_token]);
  });

  it("reports a wrong client secret as Invalid credentials with the check-the-client action", async () => {
    const { client, settings } = newClient();
    const wrong = "amzn1.oa2-cs.v1.not-the-client-secret-0123456789";
    const { credential, context } = await make(world, { ...settings, client_secret: wrong });
    const error = await failure(credential.resolve(context));
    expect(error).toMatchObject({ code: "credentials.invalid", category: "needs-person", details: { http_status: 401, oauth_error: "invalid_client" } });
    expect(error.action).toMatchObject({ kind: "fix-credentials", id: "lwa.check-client", title: "Check the Login with Amazon client secret" });
    expect(error.action!.steps.join(" ")).toContain(`security profile of ${client.clientId}`);
    expectNoSecrets([JSON.stringify(error.toJSON()), JSON.stringify(await credential.test(context))], [wrong, settings.refresh_token, client.clientSecret]);
  });

  it("keeps Amazon's description but scrubs a secret it echoes", async () => {
    // A token endpoint that repeats the refresh token in its error: the error must not carry it.
    const { createServer } = await import("node:http");
    const { settings } = newClient();
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c)).on("end", () => {
        const refresh = new URLSearchParams(body).get("refresh_token");
        res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: "invalid_grant", error_description: `refresh token ${refresh} is revoked` }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as { port: number };
      const { credential, context } = await make(world, settings, { lwa_endpoint: `http://127.0.0.1:${port}` });
      const error = await failure(credential.resolve(context));
      expect(error.message).toContain("invalid_grant: refresh token [REDACTED] is revoked");
      expectNoSecrets([JSON.stringify(error.toJSON())], [settings.refresh_token]);
    } finally {
      server.close();
    }
  });
});

describe("login-with-amazon transient failures", () => {
  it.each([
    ["HTTP 500", "internal-error"],
    ["HTTP 504", "gateway-timeout"],
    ["a dropped connection", "drop-response"],
  ] as const)("retries %s with backoff and then resolves", async (_why, type) => {
    const { settings, issued } = newClient();
    const fired = world.amc.faults.count(type);
    world.amc.faults.inject({ type, operation: "Token", times: 2 });
    const { credential, context } = await make(world, settings);
    const connection = await credential.resolve(context);
    expect(await listAccounts(world, connection)).toBe(200);
    expect(world.amc.faults.count(type) - fired).toBe(2);
    expect(world.sleeps).toHaveLength(2);
    for (const [i, ms] of world.sleeps.entries()) expect(ms).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.baseDelayMs * 2 ** i);
    // A dropped answer is a token the emulator issued and the plugin never saw.
    expect(issued()).toBe(type === "drop-response" ? 3 : 1);
    expect(world.logLines.filter((l) => l.includes("retrying the Login with Amazon token request"))).toHaveLength(2);
  });

  it("waits as long as Retry-After says when throttled", async () => {
    const { settings } = newClient();
    world.amc.faults.inject({ type: "throttle", operation: "Token", retryAfterSeconds: 3 });
    const { credential, context } = await make(world, settings);
    await credential.resolve(context);
    expect(world.sleeps).toEqual([3000]);
  });

  it("gives up after the retry policy's attempts with a transient error", async () => {
    const { settings } = newClient();
    const fired = world.amc.faults.count("internal-error");
    world.amc.faults.inject({ type: "internal-error", operation: "Token", times: "always" });
    const { credential, context } = await make(world, settings);
    const error = await failure(credential.resolve(context));
    expect(error).toMatchObject({ code: "lwa.unavailable", category: "transient", retryable: true, details: { http_status: 500 } });
    expect(world.amc.faults.count("internal-error") - fired).toBe(DEFAULT_RETRY_POLICY.maxAttempts);
    const checks = await credential.test(context);
    expect(checks).toEqual([expect.objectContaining({ status: "failed", error: expect.objectContaining({ code: "lwa.unavailable", category: "transient" }) })]);
  });

  it("reports a token endpoint that does not answer as unreachable (transient)", async () => {
    const { createServer } = await import("node:net");
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as { port: number };
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const { credential, context } = await make(world, newClient().settings, { lwa_endpoint: `http://127.0.0.1:${port}` });
    const error = await failure(credential.resolve(context));
    expect(error).toMatchObject({ code: "lwa.unreachable", category: "transient", details: { no_response: true } });
    expect(error.message).toContain("ECONNREFUSED");
  });
});

describe("login-with-amazon test", () => {
  it("says the token was obtained, naming the client and region but no secret", async () => {
    const { settings } = newClient();
    const { credential, context } = await make(world, { ...settings, region: "FE" });
    const checks = await credential.test(context);
    expect(checks).toEqual([{ name: "access token", status: "ok", message: `Login with Amazon issued an access token to client ${settings.client_id} (region FE)` }]);
    expectNoSecrets([JSON.stringify(checks)], [settings.client_secret, settings.refresh_token]);
  });
});

describe("login-with-amazon settings", () => {
  it("refuses a token endpoint in the user's settings: only the host sets it", async () => {
    const error = await failure(make(world, { ...newClient().settings, lwa_endpoint: "https://attacker.example/token" }));
    expect(error).toMatchObject({ code: "settings.invalid", category: "invalid-input" });
    expect(error.message).toContain('credential.settings: unknown setting "lwa_endpoint"');
  });

  it("refuses a host lwa_endpoint that is not an http(s) URL, saying where the host sets it", async () => {
    const error = await failure(make(world, newClient().settings, { lwa_endpoint: "ftp://127.0.0.1/token" }));
    expect(error.message).toContain("platform.lwa_endpoint: must be an http(s) URL");
    expect(error.message).toContain("conveyor.config.yaml under platform.lwa_endpoint");
  });

  it("refuses an unknown region, naming the regions", async () => {
    const error = await failure(make(world, { ...newClient().settings, region: "US" }));
    expect(error.message).toContain('credential.settings.region: must be one of "NA", "EU", "FE"');
  });

  it("hides the secrets in the JSON Schema", () => {
    const schema = settingsJsonSchema(plugin) as { properties: Record<string, { writeOnly?: boolean }> };
    expect(schema.properties.client_secret?.writeOnly).toBe(true);
    expect(schema.properties.refresh_token?.writeOnly).toBe(true);
    expect(schema.properties.client_id?.writeOnly).toBeUndefined();
  });
});
