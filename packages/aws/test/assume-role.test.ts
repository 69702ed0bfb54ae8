import { IdentityStore, startStsEmulator, type StsEmulator } from "@conveyor/testkit";
import { ConnectorError, sleepFor, type Clock } from "@conveyor/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assumeRoleOnce, assumeRoleProvider, callerIdentity, type AssumeRoleOptions } from "../src/index.js";

const identities = new IdentityStore();
const host = identities.createUser("host");
const ROLE = "arn:aws:iam::123456789012:role/exporter";
const STRICT = "arn:aws:iam::210987654321:role/strict";
identities.addRole({ arn: ROLE, trust: { principals: [host.arn] } });
identities.addRole({ arn: STRICT, trust: { principals: [ROLE], externalId: "ext-1234" } });

let sts: StsEmulator;
beforeAll(async () => {
  sts = await startStsEmulator({ identities });
});
afterAll(() => sts.close());

/** The run's clock, following the emulator's. */
const clock: Clock = { now: () => new Date(identities.clock.now()), sleep: sleepFor };
const base = () => ({ accessKeyId: host.accessKeyId, secretAccessKey: host.secretAccessKey });
const options = (extra: Partial<AssumeRoleOptions> = {}): AssumeRoleOptions => ({
  source: base(), roleArn: ROLE, sessionName: "test-session", region: "us-east-1", endpoint: sts.endpoint, clock, ...extra,
});
const issued = (arn = ROLE) => sts.calls.filter((c) => c.roleArn === arn && c.outcome === "issued").length;

async function caught(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(ConnectorError.is(error)).toBe(true);
  return error as ConnectorError;
}

describe("assumeRoleProvider", () => {
  it("caches the session and shares one STS call among concurrent callers", async () => {
    const provider = assumeRoleProvider(options());
    const before = issued();
    const [a, b] = await Promise.all([provider(), provider()]);
    expect(a).toBe(b);
    expect(await provider()).toBe(a);
    expect(issued()).toBe(before + 1);
    // The SDK must not wrap it in its own (system-time) cache.
    expect(provider.memoized).toBe(true);
  });

  it("refreshes only once the run's clock is within five minutes of expiry", async () => {
    const provider = assumeRoleProvider(options({ durationSeconds: 900 }));
    const first = await provider();
    identities.clock.advance(590_000);
    expect(await provider()).toBe(first);
    identities.clock.advance(20_000);
    const second = await provider();
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
  });

  it("caps DurationSeconds at one hour when chained (STS refuses more)", async () => {
    const platform = assumeRoleProvider(options());
    const chained = await assumeRoleOnce(options({ source: platform, roleArn: STRICT, externalId: "ext-1234", chained: true, durationSeconds: 7200 }));
    expect(chained.expiration.getTime() - identities.clock.now()).toBeLessThanOrEqual(3600_000);
    const uncapped = await caught(assumeRoleOnce(options({ source: platform, roleArn: STRICT, externalId: "ext-1234", chained: false, durationSeconds: 7200 })));
    expect(uncapped.details).toMatchObject({ aws_code: "ValidationError" });
  });

  it("maps refusals to credentials.invalid naming the role, never echoing the External ID", async () => {
    const platform = assumeRoleProvider(options());
    const wrong = await caught(assumeRoleOnce(options({ source: platform, roleArn: STRICT, externalId: "wrong-external-id", label: "target role" })));
    expect(wrong).toMatchObject({ code: "credentials.invalid", category: "needs-person", retryable: false });
    expect(wrong.message).toContain(`assuming the target role (${STRICT})`);
    expect(wrong.action?.steps[1]).toContain(STRICT);
    const invalid = await caught(assumeRoleOnce(options({ source: platform, roleArn: STRICT, externalId: "has a space" })));
    expect(invalid.details).toMatchObject({ aws_code: "ValidationError" });
    expect(JSON.stringify(invalid.toJSON())).not.toContain("has a space");
  });

  it("maps an unreachable STS to a retryable sts.unavailable, without hanging", async () => {
    const closed = await startStsEmulator({ identities });
    await closed.close();
    const error = await caught(assumeRoleOnce(options({ endpoint: closed.endpoint })));
    expect(error).toMatchObject({ code: "sts.unavailable", category: "transient", retryable: true });
  });

  it("tells who the credentials are", async () => {
    expect(await callerIdentity(base(), { region: "us-east-1", endpoint: sts.endpoint })).toEqual({ arn: host.arn, account: "123456789012" });
    const bad = await caught(callerIdentity({ ...base(), secretAccessKey: "wrong" }, { region: "us-east-1", endpoint: sts.endpoint }));
    expect(bad.details).toMatchObject({ aws_code: "SignatureDoesNotMatch" });
  });
});
