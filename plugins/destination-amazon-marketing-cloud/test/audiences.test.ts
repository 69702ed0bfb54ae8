import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { purchases, send, startWorld, uploadSettings, type World } from "./harness.js";

let world: World;
beforeAll(async () => {
  world = await startWorld();
  // 2,100 distinct buyers in May 2024; another dataset with 12.
  expect((await send(world, uploadSettings("buyers_ds"), { rows: purchases(2_100) })).failure).toBeUndefined();
  expect((await send(world, uploadSettings("few_ds"), { rows: purchases(12) })).failure).toBeUndefined();
});
afterAll(async () => world?.close());

const trigger = { schema: { columns: [{ name: "_c0", type: "long" as const, nullable: true }] }, rows: [[1n]], name: "amc_audience" };

const audience = (query: string, extra: Record<string, unknown> = {}) => ({
  target: "rule_based_audiences",
  audience_name: "test_audience",
  audience_description: "test audience description",
  advertiser_id: Number(world.amc.advertiserId),
  query,
  time_window_start: "2024-04-01T00:00:00",
  time_window_end: "2024-06-01T00:00:00",
  refresh_rate_days: 1,
  time_window_relative: false,
  ...extra,
});

describe("rule-based audiences", () => {
  it("creates the audience, waits, and reports audienceExecutionId, status, statusReason and audienceCount", async () => {
    const run = await send(world, audience("SELECT user_id FROM buyers_ds"), trigger);
    expect(run.failure).toBeUndefined();
    expect(run.report!.rows).toBe(1);
    expect(run.report!.details).toMatchObject({ audienceExecutionId: expect.any(String), status: "SUCCEEDED", statusReason: expect.any(String), audienceCount: 2_100, dspAudienceId: expect.any(String) });
    const created = await world.amc.audience(run.report!.details!.audienceExecutionId as string);
    expect(created).toMatchObject({ audienceName: "test_audience", timeWindowStart: "2024-04-01T00:00:00Z", refreshRateDays: 1, timeWindowRelative: false });
  });

  it("fails an audience under 2,000 users with the 'Audience too small' action and AMC's reason", async () => {
    const run = await send(world, audience("SELECT user_id FROM few_ds"), trigger);
    expect(run.failure?.error).toMatchObject({ code: "amc.audience-too-small", category: "needs-person", message: expect.stringContaining("Audience size 12 is below the minimum"), details: { audience_count: 12 } });
    expect(run.failure?.actions[0]).toMatchObject({ id: "amc.audience-too-small", title: "Audience too small" });
  });

  it("refuses more than one input row before creating anything", async () => {
    const before = world.amc.requests.filter((r) => r.operation === "CreateAudience").length;
    const run = await send(world, audience("SELECT user_id FROM buyers_ds"), { ...trigger, rows: [[1n], [2n]] });
    expect(run.failure?.error).toMatchObject({ code: "amc.audience-input", category: "invalid-input", message: expect.stringContaining("at most one input row") });
    expect(world.amc.requests.filter((r) => r.operation === "CreateAudience").length).toBe(before);
  });

  it("retries a throttled create, and without wait_until_finish reports the PENDING audience", async () => {
    world.amc.faults.inject({ type: "throttle", operation: "CreateAudience", retryAfterSeconds: 1 });
    const run = await send(world, audience("SELECT user_id FROM buyers_ds", { wait_until_finish: false }), trigger);
    expect(run.failure).toBeUndefined();
    expect(run.report!.details).toMatchObject({ status: "PENDING" });
    expect(world.amc.faults.count("throttle")).toBe(1);
  });

  it("never re-posts an audience whose creation AMC did not confirm", async () => {
    world.amc.faults.inject({ type: "drop-response", operation: "CreateAudience" });
    const before = world.amc.requests.filter((r) => r.operation === "CreateAudience").length;
    const run = await send(world, audience("SELECT user_id FROM buyers_ds"), trigger);
    expect(run.failure?.error).toMatchObject({ code: "amc.audience-unconfirmed", category: "transient", message: expect.stringContaining("may exist already") });
    expect(world.amc.requests.filter((r) => r.operation === "CreateAudience").length).toBe(before + 1);
  });
});
