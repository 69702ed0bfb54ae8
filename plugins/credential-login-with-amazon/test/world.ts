import { ConnectorError, createLogger, createRunContext, PluginHost, SecretRegistry, sleepFor, type Clock, type PluginContext } from "@conveyor/core";
import { startAmcEmulator, startS3Emulator, type AmcEmulator, type LwaClient, type S3Emulator } from "@conveyor/testkit";
import { expect } from "vitest";
import plugin, { type LoginWithAmazonConnection, type LoginWithAmazonCredential } from "../src/index.js";

/** The AMC emulator (Login with Amazon on the same loopback server) and everything a test printed. */
export interface World {
  s3: S3Emulator;
  amc: AmcEmulator;
  /** Every line the plugin logged, at debug level. */
  logLines: string[];
  /** Every wait the plugin asked the clock for (each shortened to at most 20 ms). */
  sleeps: number[];
  close(): Promise<void>;
}

/** `lwa`: the emulator's first client (default random ids and secrets). */
export async function startWorld(lwa?: Partial<LwaClient>): Promise<World> {
  // The AMC emulator reads staged uploads from an S3 emulator; nothing here uses it.
  const s3 = await startS3Emulator();
  const amc = await startAmcEmulator({ s3, ...(lwa ? { lwa } : {}) });
  return {
    s3,
    amc,
    logLines: [],
    sleeps: [],
    async close() {
      await amc.close();
      await s3.close();
    },
  };
}

export function settingsOf(world: World, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { client_id: world.amc.lwa.clientId, client_secret: world.amc.lwa.clientSecret, refresh_token: world.amc.lwa.refreshToken, ...extra };
}

/** The run's clock is the emulator's, so advancing it moves token expiry for both sides. */
export function clockOf(world: World): Clock {
  return {
    now: () => new Date(world.amc.clock.now()),
    sleep: (ms, signal) => {
      world.sleeps.push(ms);
      return sleepFor(Math.min(ms, 20), signal);
    },
  };
}

export async function make(
  world: World,
  settings: unknown,
  platform: Record<string, unknown> = { lwa_endpoint: world.amc.lwaEndpoint },
): Promise<{ host: PluginHost; credential: LoginWithAmazonCredential; context: PluginContext }> {
  // As a host does: one registry, so the logger scrubs what the plugin registers.
  const secrets = new SecretRegistry();
  const logger = createLogger({ level: "debug", secrets, destination: { write: (line: string) => void world.logLines.push(line) } });
  const host = new PluginHost({ platform, logger, secrets });
  if (!host.add(plugin, "test")) throw new Error(host.refused.at(-1)?.reason);
  const credential = await host.create<LoginWithAmazonCredential>("credential", plugin.id, settings, { path: "credential.settings" });
  const container = host.createRunContainer("run-1", { clock: clockOf(world) });
  return { host, credential, context: createRunContext(host, { runId: "run-1", container }) };
}

export async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(ConnectorError.is(error), `a ConnectorError, got ${String(error)}`).toBe(true);
  return error as ConnectorError;
}

/** A call to the emulated Amazon Ads API with the connection's token: what a destination does. */
export async function listAccounts(world: World, connection: LoginWithAmazonConnection, token?: string): Promise<number> {
  const response = await fetch(`${world.amc.endpoint}/amc/accounts`, {
    headers: { authorization: `Bearer ${token ?? (await connection.accessToken())}`, "amazon-advertising-api-clientid": connection.clientId, accept: "application/json" },
  });
  await response.arrayBuffer();
  return response.status;
}
