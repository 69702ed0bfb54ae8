import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AmcClient, csv, dimensionDataSet, factDataSet, sha256, startWorld, uploadBody, type World } from "./helpers.js";

let world: World;
let client: AmcClient;

async function load(dataSetId: string, key: string, body: string) {
  await world.stage(key, body);
  const created = await client.data("POST", `/uploads/${dataSetId}`, uploadBody(key));
  await world.amc.finishJobs();
  expect((await client.data("GET", `/uploads/${dataSetId}/${created.body.uploadId}`)).body.upload.status).toBe("COMPLETED");
}

beforeAll(async () => {
  world = await startWorld();
  client = new AmcClient(world.amc);
  await client.data("POST", "/dataSets", factDataSet("visits"));
  await client.data("POST", "/dataSets", dimensionDataSet("people"));
  // 2,100 visitors in June 2023 (2,050 gold), 10 more in 2022; the first 3 visitors are also people.
  const visits = Array.from({ length: 2100 }, (_, i) => [sha256(`v${i}@x.com`), "2023-06-30", i < 2050 ? "gold" : "silver", "1"]);
  visits.push(...Array.from({ length: 10 }, (_, i) => [sha256(`old${i}@x.com`), "2022-01-01", "gold", "1"]));
  await load("visits", "d/visits.csv.gz", csv("email,event_date,segment,amount", visits));
  await load("people", "d/people.csv.gz", csv("email,phone,tier", [
    [sha256("v0@x.com"), sha256("15550000000"), "a"], [sha256("v1@x.com"), "", "b"], [sha256("v2@x.com"), sha256("15550000002"), "c"],
  ]));
});
afterAll(() => world.close());

describe("user ids", () => {
  it("gives each distinct hashed identity a stable user_id, the same in every dataset", async () => {
    const visits = await world.amc.rows("visits");
    const people = await world.amc.rows("people");
    expect(new Set(visits.map((r) => r.user_id)).size).toBe(2110);
    expect(visits.find((r) => r.email === sha256("v1@x.com"))!.user_id).toBe(people.find((r) => r.tier === "b")!.user_id);
    expect(visits.find((r) => r.email === sha256("v1@x.com"))!.user_id).toBe((await world.amc.rows("visits")).find((r) => r.email === sha256("v1@x.com"))!.user_id);
  });
});

describe("user deletion requests", () => {
  it("removes the matching identities from every dataset when the request succeeds", async () => {
    const created = await client.data("POST", "/userDeletionRequest", {
      targetIdentities: [{ hashedIdentity: { EMAIL: sha256("v0@x.com") } }, { hashedIdentity: { EMAIL: sha256("v2@x.com").toUpperCase(), PHONE: sha256("15550000002") } }],
    });
    expect(created.status).toBe(200);
    const id = created.body.userDeletionRequestId;
    const pending = await client.data("GET", `/userDeletionRequest/${id}`);
    expect(pending.body.identityDeletion).toMatchObject({ userDeletionRequestId: id, status: "PENDING", identityCount: 2 });
    expect((await world.amc.rows("people")).length).toBe(3);

    await world.amc.finishJobs();
    expect((await client.data("GET", `/userDeletionRequest/${id}`)).body.identityDeletion.status).toBe("SUCCEEDED");
    expect((await world.amc.rows("people")).map((r) => r.tier)).toEqual(["b"]);
    const visits = await world.amc.rows("visits");
    expect(visits).toHaveLength(2108);
    expect(visits.some((r) => r.email === sha256("v0@x.com") || r.email === sha256("v2@x.com"))).toBe(false);
    expect((await world.amc.deletions()).at(-1)?.removedRows).toEqual({ visits: 2, people: 2 });
    const listed = await client.data("POST", "/userDeletionRequest/list");
    expect(listed.body.userDeletions[0].userDeletionRequestId).toBe(id);
  });

  it("a row matches only when every identity field the dataset has matches", async () => {
    const created = await client.data("POST", "/userDeletionRequest", {
      targetIdentities: [{ hashedIdentity: { EMAIL: sha256("v1@x.com"), PHONE: sha256("19999999999") } }],
    });
    await world.amc.finishJobs();
    expect((await client.data("GET", `/userDeletionRequest/${created.body.userDeletionRequestId}`)).body.identityDeletion.status).toBe("SUCCEEDED");
    // people has a phone column (the row's is null, not the given hash): kept; visits has only email: removed.
    expect((await world.amc.rows("people")).map((r) => r.tier)).toEqual(["b"]);
    expect((await world.amc.rows("visits")).some((r) => r.email === sha256("v1@x.com"))).toBe(false);
  });

  it("refuses more than 1,000 identities, unknown types and values that are not hashes", async () => {
    const many = Array.from({ length: 1001 }, (_, i) => ({ hashedIdentity: { EMAIL: sha256(String(i)) } }));
    const tooMany = await client.data("POST", "/userDeletionRequest", { targetIdentities: many });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.details).toMatch(/1001 identities; at most 1000/);
    expect((await client.data("POST", "/userDeletionRequest", { targetIdentities: many.slice(0, 1000) })).status).toBe(200);
    for (const [body, details] of [
      [{ targetIdentities: [] }, /non-empty/],
      [{ targetIdentities: [{ hashedIdentity: { SSN: sha256("1") } }] }, /SSN is not one of/],
      [{ targetIdentities: [{ hashedIdentity: { EMAIL: "a@x.com" } }] }, /EMAIL must be a SHA-256 hex digest/],
      [{ targetIdentities: [{ EMAIL: sha256("a") }] }, /hashedIdentity/],
    ] as const) {
      const answer = await client.data("POST", "/userDeletionRequest", body);
      expect(answer.status).toBe(400);
      expect(answer.body.details).toMatch(details);
    }
    expect((await client.data("GET", "/userDeletionRequest/nope")).status).toBe(404);
  });
});

describe("rule-based audiences", () => {
  const audience = (query: string, extra: Record<string, unknown> = {}) => ({
    audienceName: "test_audience", audienceDescription: "test audience description", advertiserId: world.amc.advertiserId, query,
    timeWindowStart: "2023-06-25T00:00:00Z", timeWindowEnd: "2023-07-25T00:00:00Z", refreshRateDays: 1, timeWindowRelative: false, ...extra,
  });
  async function run(query: string, extra: Record<string, unknown> = {}) {
    const created = await client.call("POST", "/amc/audiences/query", audience(query, extra));
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ audienceExecutionId: expect.any(String), status: "PENDING", audienceExecutionDescription: expect.any(String) });
    world.amc.clock.advance(world.amc.delays.startMs);
    expect((await client.call("GET", `/amc/audiences/query/${created.body.audienceExecutionId}`)).body.status).toBe("RUNNING");
    await world.amc.finishJobs();
    return (await client.call("GET", `/amc/audiences/query/${created.body.audienceExecutionId}`)).body;
  }

  it("SUCCEEDS with the count of distinct users in the time window", async () => {
    const result = await run("SELECT user_id FROM visits");
    // 2,100 June visitors minus the 3 deleted above; the 2022 rows are outside the window.
    expect(result).toMatchObject({ status: "SUCCEEDED", audienceCount: 2097, dspAudienceId: expect.stringMatching(/^\d+$/), instanceId: world.amc.instanceId, audienceName: "test_audience", refreshRateDays: 1 });
  });

  it("FAILS under 2,000 users with a statusReason, and evaluates WHERE … = / IN / AND", async () => {
    const silver = await run("select distinct user_id from visits where segment = 'silver';");
    expect(silver).toMatchObject({ status: "FAILED", audienceCount: 50, statusReason: expect.stringMatching(/Audience size 50 is below the minimum of 2,000/) });
    const gold = await run("SELECT user_id FROM visits WHERE segment IN ('gold', 'platinum') AND amount = 1");
    expect(gold).toMatchObject({ status: "SUCCEEDED", audienceCount: 2047 }); // 2,050 gold minus the 3 deleted
  });

  it("FAILS a query outside the subset or naming an unknown table or column", async () => {
    expect((await run("SELECT user_id, count(*) FROM visits GROUP BY 1")).statusReason).toMatch(/not supported by the emulator.*SELECT user_id FROM <dataset>/);
    expect((await run("SELECT email FROM visits")).statusReason).toMatch(/must select exactly user_id/);
    expect((await run("SELECT user_id FROM dsp_impressions")).statusReason).toMatch(/Table dsp_impressions does not exist/);
    expect((await run("SELECT user_id FROM visits WHERE colour = 'red'")).statusReason).toMatch(/Column colour does not exist/);
  });

  it("refuses invalid requests with 400", async () => {
    for (const [extra, details] of [
      [{ refreshRateDays: 22 }, /refreshRateDays must be an integer from 0 to 21/],
      [{ timeWindowStart: "2023-06-25T00:00:00" }, /timeWindowStart must be UTC yyyy-MM-ddTHH:mm:ssZ/],
      [{ timeWindowEnd: "2023-06-01T00:00:00Z" }, /before timeWindowEnd/],
      [{ advertiserId: "123" }, /not linked/],
      [{ audienceName: "" }, /audienceName/],
      [{ timeWindowRelative: "no" }, /timeWindowRelative must be a boolean/],
    ] as const) {
      const answer = await client.call("POST", "/amc/audiences/query", audience("SELECT user_id FROM visits", extra));
      expect({ extra, status: answer.status }).toEqual({ extra, status: 400 });
      expect(answer.body.details).toMatch(details);
    }
  });

  it("answers only Amazon's audience statuses: a refreshRateDays 0 audience is still SUCCEEDED 30 days on", async () => {
    const result = await run("SELECT user_id FROM visits", { refreshRateDays: 0 });
    expect(result.status).toBe("SUCCEEDED");
    world.amc.clock.advance(30 * 24 * 3600 * 1000);
    // The old access token expired long ago; a new client refreshes first.
    const fresh = new AmcClient(world.amc);
    expect((await fresh.call("GET", `/amc/audiences/query/${result.audienceExecutionId}`)).body.status).toBe("SUCCEEDED");
    const listed = (await fresh.call("GET", "/amc/audiences/query")).body.executionMetadata as Array<{ status: string }>;
    expect(listed.filter((a) => !["PENDING", "RUNNING", "SUCCEEDED", "FAILED"].includes(a.status))).toEqual([]);
  });
});
