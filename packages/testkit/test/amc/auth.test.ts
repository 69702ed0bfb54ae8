import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AmcClient, startWorld, type World } from "./helpers.js";

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.close());

const token = (form: Record<string, string>) => fetch(world.amc.lwaEndpoint, { method: "POST", body: new URLSearchParams(form) });

describe("Login with Amazon token endpoint", () => {
  it("exchanges the refresh token for a bearer token that expires on the emulator clock", async () => {
    const { lwa } = world.amc;
    const res = await token({ grant_type: "refresh_token", refresh_token: lwa.refreshToken, client_id: lwa.clientId, client_secret: lwa.clientSecret });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: "bearer", expires_in: 3600, refresh_token: lwa.refreshToken });
    expect(String(body["access_token"])).toMatch(/^Atza\|/);

    const client = new AmcClient(world.amc);
    await client.refresh();
    expect((await client.data("GET", "/dataSets/nothing_here")).status).toBe(404);
    world.amc.clock.advance(3600 * 1000);
    const expired = await client.data("GET", "/dataSets/nothing_here");
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ code: "UNAUTHORIZED", details: expect.stringContaining("expired") });
    expect(typeof expired.body.requestId).toBe("string");
    await client.refresh();
    expect((await client.data("GET", "/dataSets/nothing_here")).status).toBe(404);
  });

  it("accepts the same fields as a JSON body", async () => {
    const { lwa } = world.amc;
    const res = await fetch(world.amc.lwaEndpoint, {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ grant_type: "refresh_token", refresh_token: lwa.refreshToken, client_id: lwa.clientId, client_secret: lwa.clientSecret }),
    });
    expect(res.status).toBe(200);
    expect(world.amc.tokens.issued.at(-1)?.clientId).toBe(lwa.clientId);
  });

  it("answers invalid_grant for an unknown or revoked refresh token, invalid_client for a wrong secret", async () => {
    const { lwa } = world.amc;
    const base = { grant_type: "refresh_token", client_id: lwa.clientId, client_secret: lwa.clientSecret };
    const bad = await token({ ...base, refresh_token: "Atzr|not-a-token" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: "invalid_grant" });
    const wrongSecret = await token({ ...base, refresh_token: lwa.refreshToken, client_secret: "nope" });
    expect(wrongSecret.status).toBe(401);
    expect(await wrongSecret.json()).toMatchObject({ error: "invalid_client" });
    const grant = await token({ ...base, grant_type: "authorization_code", refresh_token: lwa.refreshToken });
    expect(await grant.json()).toMatchObject({ error: "unsupported_grant_type" });

    const other = world.amc.tokens.addClient();
    world.amc.tokens.revoke(other.refreshToken);
    const revoked = await token({ ...base, client_id: other.clientId, client_secret: other.clientSecret, refresh_token: other.refreshToken });
    expect(revoked.status).toBe(400);
    expect(await revoked.json()).toMatchObject({ error: "invalid_grant" });
  });
});

describe("header checks", () => {
  it("advertiser data calls need the bearer token, the client id it was issued to, the AMC account and the marketplace", async () => {
    const cases: Array<[Record<string, string | null>, number, string, RegExp]> = [
      [{ authorization: null }, 401, "UNAUTHORIZED", /Bearer/],
      [{ authorization: "Bearer Atza|forged" }, 401, "UNAUTHORIZED", /not valid/],
      [{ "amazon-advertising-api-clientid": null }, 400, "BAD_REQUEST", /Amazon-Advertising-API-ClientId/],
      [{ "amazon-advertising-api-clientid": "amzn1.application-oa2-client.other" }, 401, "UNAUTHORIZED", /issued to/],
      [{ "amazon-advertising-api-advertiserid": null }, 400, "BAD_REQUEST", /Amazon-Advertising-API-AdvertiserId/],
      [{ "amazon-advertising-api-marketplaceid": null }, 400, "BAD_REQUEST", /MarketplaceId/],
      [{ "amazon-advertising-api-marketplaceid": "A1PA6795UKMFR9" }, 400, "BAD_REQUEST", /marketplace/],
    ];
    for (const [override, status, code, details] of cases) {
      const answer = await new AmcClient(world.amc, override).data("GET", "/dataSets/nothing_here");
      expect({ override, status: answer.status, code: answer.body.code }).toEqual({ override, status, code });
      expect(answer.body.details).toMatch(details);
    }
    const otherAccount = await new AmcClient(world.amc, { "amazon-advertising-api-advertiserid": "ENTITYSOMEONEELSE" }).data("GET", "/dataSets/nothing_here");
    expect(otherAccount.status).toBe(403);
    expect(otherAccount.body).toEqual({ message: expect.stringMatching(/ENTITYSOMEONEELSE has no access/), requestId: expect.any(String) });
    const wrongInstance = await new AmcClient(world.amc).call("GET", "/amc/advertiserData/amcother123/dataSets/x");
    expect(wrongInstance.status).toBe(404);
    expect(wrongInstance.body.details).toMatch(/amcother123/);
  });

  it("audience calls need the instance and entity headers instead", async () => {
    for (const missing of ["amazon-marketing-cloud-audience-instanceid", "amazon-advertising-api-entityid"]) {
      const answer = await new AmcClient(world.amc, { [missing]: null }).call("GET", "/amc/audiences/query/abc");
      expect(answer.status).toBe(400);
    }
    const wrong = await new AmcClient(world.amc, { "amazon-marketing-cloud-audience-instanceid": "amcnope0000" }).call("GET", "/amc/audiences/query/abc");
    expect(wrong.status).toBe(404);
    expect((await new AmcClient(world.amc).call("GET", "/amc/audiences/query/abc")).body.code).toBe("NOT_FOUND");
  });

  it("answers 401 TERMS_NOT_ACCEPTED while the account has not accepted AMC's terms", async () => {
    world.amc.termsAccepted = false;
    try {
      const answer = await new AmcClient(world.amc).data("GET", "/dataSets/x");
      expect(answer.status).toBe(401);
      expect(answer.body.code).toBe("TERMS_NOT_ACCEPTED");
      expect(answer.body.details).toMatch(/terms/);
    } finally {
      world.amc.termsAccepted = true;
    }
  });

  it("refuses a body that is not JSON", async () => {
    const client = new AmcClient(world.amc);
    const notJson = await client.call("POST", `/amc/advertiserData/${world.amc.instanceId}/dataSets`, undefined, { "content-type": "text/plain" });
    expect(notJson.status).toBe(400); // empty body: no dataSet wrapper
    const res = await fetch(`${world.amc.endpoint}/amc/advertiserData/${world.amc.instanceId}/dataSets`, {
      method: "POST", headers: { ...client.headers("data"), "content-type": "text/csv" }, body: "a,b",
    });
    expect(res.status).toBe(415);
    const broken = await fetch(`${world.amc.endpoint}/amc/advertiserData/${world.amc.instanceId}/dataSets`, {
      method: "POST", headers: { ...client.headers("data"), "content-type": "application/vnd.amcadvertiserdataset.v1+json" }, body: "{",
    });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ code: "BAD_REQUEST", details: expect.stringContaining("JSON") });
  });
});

describe("faults", () => {
  it("429 with Retry-After, 500, 504, expired token and terms, each once, on the operation asked for", async () => {
    const client = new AmcClient(world.amc);
    const { faults } = world.amc;
    faults.inject({ type: "throttle", operation: "GetDataSet", retryAfterSeconds: 7 });
    const throttled = await client.data("GET", "/dataSets/x");
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("7");
    // Throttling and gateway timeouts come from the gateway: {message, requestId}, no code.
    expect(throttled.body).toEqual({ message: expect.stringContaining("Too many requests"), requestId: expect.any(String) });
    faults.inject({ type: "gateway-timeout", operation: "GetDataSet" });
    const timedOut = await client.data("GET", "/dataSets/x");
    expect([timedOut.status, timedOut.body]).toEqual([504, { message: expect.stringContaining("Gateway timeout"), requestId: expect.any(String) }]);
    for (const [type, status, code] of [["internal-error", 500, "INTERNAL_ERROR"], ["expired-token", 401, "UNAUTHORIZED"], ["terms-not-accepted", 401, "TERMS_NOT_ACCEPTED"]] as const) {
      faults.inject({ type, operation: "GetDataSet" });
      const answer = await client.data("GET", "/dataSets/x");
      expect([answer.status, answer.body]).toEqual([status, { code, details: expect.any(String), requestId: expect.any(String) }]);
    }
    faults.inject({ type: "throttle", operation: "CreateUpload" });
    expect((await client.data("GET", "/dataSets/x")).status).toBe(404); // other operations are untouched
    faults.clear();
    expect(faults.count("throttle")).toBe(1);
    expect(world.amc.requests.filter((r) => r.operation === "GetDataSet").map((r) => r.status)).toContain(429);
  });

  it("throttles the token endpoint with an OAuth body", async () => {
    world.amc.faults.inject({ type: "throttle", operation: "Token", retryAfterSeconds: 2, times: 2 });
    const { lwa } = world.amc;
    const form = { grant_type: "refresh_token", refresh_token: lwa.refreshToken, client_id: lwa.clientId, client_secret: lwa.clientSecret };
    for (let i = 0; i < 2; i++) {
      const res = await token(form);
      expect(res.status).toBe(429);
      expect(res.headers.get("retry-after")).toBe("2");
    }
    expect((await token(form)).status).toBe(200);
  });

  it("drop-response: the request is processed, then the connection dies unanswered", async () => {
    const client = new AmcClient(world.amc);
    await client.refresh();
    world.amc.faults.inject({ type: "drop-response", operation: "CreateDataSet" });
    const body = { dataSet: { dataSetId: "dropped_ds", columns: [{ name: "a", columnType: "DIMENSION", dataType: "STRING" }] } };
    await expect(client.data("POST", "/dataSets", body)).rejects.toThrow();
    expect((await client.data("GET", "/dataSets/dropped_ds")).status).toBe(200);
    expect(world.amc.requests.filter((r) => r.operation === "CreateDataSet").at(-1)?.status).toBe(0);
  });

  it("is driven over HTTP too: /__emulator/faults, the clock, terms, token expiry", async () => {
    const control = (path: string, init?: RequestInit) => fetch(`${world.amc.endpoint}/__emulator/${path}`, init);
    expect((await control("faults", { method: "POST", body: JSON.stringify({ type: "bogus" }) })).status).toBe(400);
    const typo = await control("faults", { method: "POST", body: JSON.stringify({ type: "throttle", operation: "CreateUploads" }) });
    expect(typo.status).toBe(400);
    expect(((await typo.json()) as { error: string }).error).toMatch(/operation must be one of Token, ListAccounts, CreateDataSet/);
    expect((await control("faults", { method: "POST", body: JSON.stringify({ type: "gateway-timeout", operation: "GetDataSet" }) })).status).toBe(201);
    const client = new AmcClient(world.amc);
    expect((await client.data("GET", "/dataSets/x")).status).toBe(504);
    const before = world.amc.clock.now();
    await control("clock/advance", { method: "POST", body: JSON.stringify({ ms: 5000 }) });
    expect(world.amc.clock.now() - before).toBeGreaterThanOrEqual(5000);
    await control("tokens/expire", { method: "POST" });
    expect((await client.data("GET", "/dataSets/x")).status).toBe(401);
    await client.refresh();
    await control("terms", { method: "POST", body: JSON.stringify({ accepted: false }) });
    expect((await client.data("GET", "/dataSets/x")).body.code).toBe("TERMS_NOT_ACCEPTED");
    await control("terms", { method: "POST", body: JSON.stringify({ accepted: true }) });
    expect((await client.data("GET", "/dataSets/x")).status).toBe(404);
  });
});

describe("GET /amc/accounts", () => {
  it("lists the accounts the token may use, the instance's own first, with only the bearer token and client id", async () => {
    const other = await startWorld({ otherAccounts: [{ accountId: "ENTITYSECONDACCOUNT1", accountName: "Second" }] });
    try {
      // No account or marketplace header: listing accounts is how a client learns them.
      const client = new AmcClient(other.amc, { "amazon-advertising-api-advertiserid": null, "amazon-advertising-api-marketplaceid": null });
      const answer = await client.call("GET", "/amc/accounts");
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        amcAccounts: [
          { accountId: other.amc.accountId, accountName: "AMC account 1", marketplaceId: other.amc.marketplaceId },
          { accountId: "ENTITYSECONDACCOUNT1", accountName: "Second", marketplaceId: other.amc.marketplaceId },
        ],
      });
      expect(other.amc.requests.at(-1)?.operation).toBe("ListAccounts");
      expect((await new AmcClient(other.amc, { authorization: null }).call("GET", "/amc/accounts")).status).toBe(401);
      expect((await new AmcClient(other.amc, { "amazon-advertising-api-clientid": null }).call("GET", "/amc/accounts")).status).toBe(400);
    } finally {
      await other.close();
    }
  });
});
