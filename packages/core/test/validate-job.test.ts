import { describe, expect, it } from "vitest";
import {
  API_VERSION,
  createRunContext,
  definePlugin,
  implementationToken,
  inject,
  injectable,
  jobSchema,
  PluginHost,
  runJob,
  TOKENS,
  validateJob,
  z,
  type ConnectorPlugin,
  type Credential,
  type Destination,
  type DestinationContext,
} from "../src/index.js";

interface KeysConnection {
  kind: "keys";
  key: string;
}

@injectable()
class KeysCredential implements Credential<KeysConnection> {
  constructor(@inject(TOKENS.settings) private readonly settings: { key: string }) {}
  async resolve(): Promise<KeysConnection> {
    return { kind: "keys", key: this.settings.key };
  }
  async test() {
    return [];
  }
}

@injectable()
class EchoDestination implements Destination {
  static sent: string[] = [];
  async test() {
    return [];
  }
  async send(_request: unknown, context: DestinationContext) {
    // Typed by the kind it accepts: no cast, no shape check.
    const connection = await context.credential<KeysConnection>();
    EchoDestination.sent.push(connection.key);
    return { objects: [], rows: 0, bytes: 0 };
  }
}

const credential = (id: string, provides?: string) =>
  definePlugin({
    id,
    kind: "credential",
    version: "1.0.0",
    apiVersion: API_VERSION,
    displayName: id,
    description: "test credential",
    settings: z.object({ key: z.string() }),
    ...(provides ? { provides } : {}),
    register: (c) => c.register(implementationToken("credential", id), { useClass: KeysCredential }),
  });

const destination = (id: string, accepts?: string[], required = false, roles?: ConnectorPlugin["credentials"]) =>
  definePlugin({
    id,
    kind: "destination",
    version: "1.0.0",
    apiVersion: API_VERSION,
    displayName: id,
    description: "test destination",
    settings: z.object({}),
    ...(accepts ? { credentials: { default: { accepts, required } } } : {}),
    ...(roles ? { credentials: roles } : {}),
    register: (c) => c.register(implementationToken("destination", id), { useClass: EchoDestination }),
  });

function host(platform: Record<string, unknown> = {}): PluginHost {
  const h = new PluginHost({ platform });
  for (const p of [credential("keys", "keys"), credential("other-keys", "keys"), credential("oauth", "oauth"), credential("vague"), destination("keyed", ["keys"], true), destination("optional", ["keys"]), destination("plain"), destination("paired", undefined, false, { api: { accepts: ["oauth"], required: true }, staging: { accepts: ["keys"] } })]) {
    if (!h.add(p, "test")) throw new Error(h.refused.at(-1)?.reason);
  }
  return h;
}

const job = (destinationId: string, credentialId?: string) => ({
  name: "j",
  destination: { plugin: destinationId, settings: {} },
  ...(credentialId ? { credential: { plugin: credentialId, settings: { key: "k-1" } } } : {}),
});

describe("credential kinds", () => {
  it("accepts a credential of a kind the destination accepts", async () => {
    expect(await validateJob(host(), job("keyed", "other-keys"))).toMatchObject({ problems: [] });
  });

  it("refuses a credential of another kind at credential.plugin, naming what the destination accepts", async () => {
    expect((await validateJob(host(), job("keyed", "oauth"))).problems).toEqual([
      { path: "credential.plugin", severity: "error", message: '"oauth" provides oauth; the keyed destination accepts keys (loaded: keys, other-keys)' },
    ]);
    expect((await validateJob(host(), job("keyed", "vague"))).problems).toEqual([
      { path: "credential.plugin", severity: "error", message: '"vague" declares no kind it provides; the keyed destination accepts keys (loaded: keys, other-keys)' },
    ]);
  });

  it("refuses a job without the credential its destination requires, at credential", async () => {
    expect((await validateJob(host(), job("keyed"))).problems).toEqual([
      {
        path: "credential",
        severity: "error",
        message: "the keyed destination needs a credential of kind keys (loaded: keys, other-keys): add credential: { plugin: <id>, settings: {…} }",
      },
    ]);
  });

  it("lets a job do without a credential where the destination accepts but does not require one", async () => {
    expect(await validateJob(host(), job("optional"))).toMatchObject({ problems: [] });
    expect((await validateJob(host(), job("optional", "oauth"))).problems.map((p) => p.path)).toEqual(["credential.plugin"]);
  });

  it("refuses a credential on a destination that takes none", async () => {
    expect(await validateJob(host(), job("plain"))).toMatchObject({ problems: [] });
    expect((await validateJob(host(), job("plain", "keys"))).problems).toEqual([
      { path: "credential.plugin", severity: "error", message: "the plain destination takes no credential; remove the job's credential" },
    ]);
  });


  it("refuses a mismatch when a run is started without validating, before the destination is made", async () => {
    const h = host();
    EchoDestination.sent = [];
    const refused = await runJob({ host: h, job: jobSchema.parse(job("keyed", "oauth")), rows: (async function* () {})(), schema: { columns: [{ name: "a", type: "string", nullable: true }] } });
    expect(refused.failure?.error).toMatchObject({ code: "settings.invalid", category: "invalid-input" });
    expect(EchoDestination.sent).toEqual([]);
    const sent = await runJob({ host: h, job: jobSchema.parse(job("keyed", "keys")), rows: (async function* () {})(), schema: { columns: [{ name: "a", type: "string", nullable: true }] } });
    expect(sent.status).toBe("succeeded");
    expect(EchoDestination.sent).toEqual(["k-1"]);
  });

  it("rejects credential() with credential.missing when the job has none, naming the role asked for", async () => {
    const h = host();
    const context = createRunContext(h, { runId: "r", container: h.createRunContainer("r") });
    await expect(context.credential()).rejects.toMatchObject({ code: "credential.missing", category: "invalid-input" });
    await expect(context.credential("staging")).rejects.toMatchObject({ code: "credential.missing", message: expect.stringContaining("add credentials.staging:") });
  });
});

const paired = (credentials: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  name: "j",
  destination: { plugin: "paired", settings: {} },
  credentials: Object.fromEntries(Object.entries(credentials).map(([role, plugin]) => [role, { plugin, settings: { key: `${role}-key` } }])),
  ...extra,
});

describe("credential roles", () => {
  it("accepts a credential per role, each of a kind that role accepts, and validates each one's settings at its path", async () => {
    expect(await validateJob(host(), paired({ api: "oauth", staging: "keys" }))).toMatchObject({ problems: [] });
    const bad = { ...paired({ api: "oauth" }), credentials: { api: { plugin: "oauth", settings: { key: 1 } } } };
    expect((await validateJob(host(), bad)).problems.map((p) => p.path)).toEqual(["credentials.api.settings.key"]);
  });

  it("lets a job leave out a role that is not required, but not one that is", async () => {
    expect(await validateJob(host(), paired({ api: "oauth" }))).toMatchObject({ problems: [] });
    expect((await validateJob(host(), paired({ staging: "keys" }))).problems).toEqual([
      { path: "credentials.api", severity: "error", message: "the paired destination's api credential needs a credential of kind oauth (loaded: oauth): add credentials.api: { plugin: <id>, settings: {…} }" },
    ]);
  });

  it("refuses a credential of another kind for its role, at credentials.<role>.plugin", async () => {
    expect((await validateJob(host(), paired({ api: "keys", staging: "oauth" }))).problems).toEqual([
      { path: "credentials.api.plugin", severity: "error", message: '"keys" provides keys; the paired destination\'s api credential accepts oauth (loaded: oauth)' },
      { path: "credentials.staging.plugin", severity: "error", message: '"oauth" provides oauth; the paired destination\'s staging credential accepts keys (loaded: keys, other-keys)' },
    ]);
  });

  it("refuses roles the destination does not have, naming those it has; credential: is the default role", async () => {
    const expected = "credentials.api (oauth), credentials.staging (keys)";
    expect((await validateJob(host(), paired({ api: "oauth", stagin: "keys" }))).problems).toEqual([
      { path: "credentials.stagin.plugin", severity: "error", message: `the paired destination takes no credential "stagin"; it takes ${expected}` },
    ]);
    expect((await validateJob(host(), paired({ api: "oauth" }, { credential: { plugin: "keys", settings: { key: "k" } } }))).problems).toEqual([
      { path: "credential.plugin", severity: "error", message: `the paired destination takes no default credential; it takes ${expected}` },
    ]);
  });

  it("takes credentials.default as the job's credential:, but not both", async () => {
    expect(await validateJob(host(), { name: "j", destination: { plugin: "keyed", settings: {} }, credentials: { default: { plugin: "keys", settings: { key: "k" } } } })).toMatchObject({ problems: [] });
    const both = { ...job("keyed", "keys"), credentials: { default: { plugin: "keys", settings: { key: "k" } } } };
    expect((await validateJob(host(), both)).problems).toEqual([{ path: "credentials.default", severity: "error", message: "is the job's credential: as well; give it once" }]);
  });

  it("records which credential fills each role in the run's origin", async () => {
    const schema = { columns: [{ name: "a", type: "string" as const, nullable: true }] };
    const run = await runJob({ host: host(), job: jobSchema.parse(paired({ api: "oauth", staging: "keys" })), rows: (async function* () {})(), schema });
    expect(run.origin.credential).toBe("api: oauth, staging: keys");
    const single = await runJob({ host: host(), job: jobSchema.parse(job("keyed", "keys")), rows: (async function* () {})(), schema });
    expect(single.origin.credential).toBe("keys");
  });

  it("gives the destination each role's connection, resolved once", async () => {
    const h = host();
    let resolves = 0;
    const counting = (key: string): Credential<KeysConnection> => ({ resolve: async () => (resolves++, { kind: "keys", key }), test: async () => [] });
    const context = createRunContext(h, { runId: "r", container: h.createRunContainer("r"), credentials: { api: counting("a"), staging: counting("s") } });
    expect(await context.credential<KeysConnection>("staging")).toMatchObject({ key: "s" });
    expect(await context.credential<KeysConnection>("api")).toMatchObject({ key: "a" });
    await context.credential("api");
    expect(resolves).toBe(2);
    expect(Object.keys(context.credentialPlugins)).toEqual(["api", "staging"]);
    expect(context.credentialPlugin).toBeUndefined();
  });
});

describe("validateJob", () => {
  it("warns of platform settings no loaded plugin takes, beside the job's own problems", async () => {
    const result = await validateJob(host({ external_id: "x" }), job("keyed", "oauth"));
    expect(result.problems.map((p) => [p.severity, p.path])).toEqual([
      ["warning", "platform.external_id"],
      ["error", "credential.plugin"],
    ]);
  });
});
