import { describeCredential } from "@conveyor/testkit/conformance";
import { afterAll, beforeAll } from "vitest";
import plugin, { requireLoginWithAmazonConnection } from "../src/index.js";
import { listAccounts, startWorld, type World } from "./world.js";

/** The emulator's client, fixed so the fixtures can name it before the emulator starts. */
const CLIENT = {
  clientId: "amzn1.application-oa2-client.c0f0a11ce0f0a11ce0f0a11ce0f0a11c",
  clientSecret: "amzn1.oa2-cs.v1.conformance-client-secret-0123456789abcdef",
  refreshToken: "Atzr|conformance-refresh-token-0123456789abcdefghijklmnop",
};
const REFUSED_REFRESH_TOKEN = "Atzr|not-a-refresh-token-the-user-consented-to";

let world: World;
beforeAll(async () => {
  world = await startWorld(CLIENT);
});
afterAll(() => world?.close());

const CLIENT_ID = "amzn1.application-oa2-client.0123456789abcdef0123456789abcdef";
const valid = { client_id: CLIENT_ID, client_secret: "x", refresh_token: "y" };

describeCredential(plugin, {
  settings: { client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, refresh_token: CLIENT.refreshToken, region: "NA" },
  platform: () => ({ lwa_endpoint: world.amc.lwaEndpoint }),
  invalidSettings: [
    { why: "the client id is not a Login with Amazon client id", settings: { ...valid, client_id: "my-app" }, path: "client_id" },
    { why: "the client secret is missing", settings: { client_id: CLIENT_ID, refresh_token: "y" }, path: "client_secret" },
    { why: "the refresh token is empty", settings: { ...valid, refresh_token: "" }, path: "refresh_token" },
    { why: "the region is not NA, EU or FE", settings: { ...valid, region: "US" }, path: "region" },
    { why: "the job names a token endpoint", settings: { ...valid, lwa_endpoint: "https://attacker.example" }, path: "" },
  ],
  verifyResolved: async (resolved) => {
    const connection = requireLoginWithAmazonConnection(resolved, "conformance");
    const status = await listAccounts(world, connection);
    if (status !== 200) throw new Error(`the Amazon Ads API answered HTTP ${status} to the resolved token`);
  },
  refusedSettings: { client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, refresh_token: REFUSED_REFRESH_TOKEN },
  // A client secret Login with Amazon refuses (invalid_client): the refusal must not repeat it.
  secretSettings: (secret) => ({ settings: { client_id: CLIENT.clientId, client_secret: secret, refresh_token: CLIENT.refreshToken } }),
  secrets: () => [CLIENT.clientSecret, CLIENT.refreshToken, REFUSED_REFRESH_TOKEN],
});
