import { mkdtemp, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  API_VERSION,
  ConnectorError,
  definePlugin,
  implementationToken,
  inject,
  injectable,
  PluginHost,
  settingsJsonSchema,
  TOKENS,
  type DependencyContainer,
  type Logger,
} from "../src/index.js";

@injectable()
class Greeter {
  constructor(
    @inject(TOKENS.settings) readonly settings: { greeting: string },
    @inject(TOKENS.platformSettings) readonly platform: { region?: string },
    @inject(TOKENS.logger) readonly logger: Logger,
  ) {}
}

const greeter = definePlugin({
  id: "greeter",
  kind: "destination",
  version: "1.0.0",
  apiVersion: API_VERSION,
  displayName: "Greeter",
  description: "A test destination.",
  settings: z.object({ greeting: z.string().min(2), token: z.string().optional() }).strict(),
  secrets: ["token"],
  platformSettings: z.object({ region: z.string().default("us-east-1") }),
  register(container) {
    container.register(implementationToken("destination", "greeter"), { useClass: Greeter });
  },
});

describe("PluginHost", () => {
  it("creates an implementation with its validated settings and the host's services injected", async () => {
    const host = new PluginHost({ platform: { region: "eu-west-1" } });
    expect(host.add(greeter, "test")).toBe(true);
    const made = await host.create<Greeter>("destination", "greeter", { greeting: "hi" });
    expect(made).toBeInstanceOf(Greeter);
    // Core adds the access switches to every destination's settings, with their defaults.
    expect(made.settings).toEqual({ greeting: "hi", allow_business_users: false, allow_restricted_pii: false });
    expect(made.platform).toEqual({ region: "eu-west-1" });
    expect(typeof made.logger.info).toBe("function");
  });

  it("says where a missing host setting comes from", async () => {
    const host = new PluginHost({ platform: {} });
    host.add({ ...greeter, platformSettings: z.object({ external_id: z.string() }) }, "test");
    expect(await host.validate("destination", "greeter", { greeting: "hi" }, "destination.settings")).toEqual([
      {
        path: "platform.external_id",
        message: 'is required (string) (for the destination plugin "greeter"); the host sets it in conveyor.config.yaml under platform.external_id or as CONVEYOR_EXTERNAL_ID',
        severity: "error",
      },
    ]);
  });

  it("gives each instance its own settings (nothing run-scoped is a singleton)", async () => {
    const host = new PluginHost();
    host.add(greeter, "test");
    const a = await host.create<Greeter>("destination", "greeter", { greeting: "aa" });
    const b = await host.create<Greeter>("destination", "greeter", { greeting: "bb" });
    expect([a.settings.greeting, b.settings.greeting]).toEqual(["aa", "bb"]);
  });

  it("refuses invalid settings with every problem and its path", async () => {
    const host = new PluginHost();
    host.add(greeter, "test");
    const error = await host
      .create("destination", "greeter", { greeting: "x", extra: 1 }, { path: "destination.settings" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).code).toBe("settings.invalid");
    expect((error as ConnectorError).category).toBe("invalid-input");
    const message = (error as ConnectorError).message;
    expect(message).toContain("destination.settings.greeting: must be at least 2 characters");
    expect(message).toContain('destination.settings: unknown setting "extra"');
  });

  it("tells a missing setting from one of the wrong type", async () => {
    const host = new PluginHost();
    host.add(greeter, "test");
    expect(await host.validate("destination", "greeter", { token: 5 }, "destination.settings")).toEqual([
      { path: "destination.settings.greeting", message: "is required (string)", severity: "error" },
      { path: "destination.settings.token", message: "must be a string", severity: "error" },
    ]);
  });

  it("names the available ids for an unknown plugin, and what was refused while loading", () => {
    const host = new PluginHost();
    host.add(greeter, "test");
    expect(() => host.get("destination", "nope")).toThrow(/unknown destination plugin "nope"; available: greeter$/);
    host.add({ ...greeter, id: "nope", apiVersion: 2 }, "./plugins/nope");
    expect(() => host.get("destination", "nope")).toThrow(
      'unknown destination plugin "nope"; available: greeter (refused while loading: ./plugins/nope: plugin "nope" targets plugin API 2; this host supports 1)',
    );
  });

  it("has the built-in none compressor and jsonl formatter", () => {
    const host = new PluginHost();
    expect(host.list().map((p) => `${p.plugin.kind}:${p.plugin.id}`)).toEqual(["compressor:none", "formatter:jsonl"]);
  });

  it("refuses a duplicate id and an unsupported apiVersion, and keeps the first", () => {
    const host = new PluginHost();
    expect(host.add(greeter, "first")).toBe(true);
    expect(host.add({ ...greeter }, "second")).toBe(false);
    expect(host.add({ ...greeter, id: "future", apiVersion: 99 }, "third")).toBe(false);
    expect(host.refused).toEqual([
      { source: "second", reason: 'destination id "greeter" is already provided by first, which is kept' },
      { source: "third", reason: 'plugin "future" targets plugin API 99; this host supports 1' },
    ]);
    expect(host.list("destination").map((p) => p.source)).toEqual(["first"]);
  });

  it("resolves ${env:} references in secret settings when enabled, and remembers them as secrets", async () => {
    const host = new PluginHost();
    host.add(greeter, "test");
    const environment = { env: { CONVEYOR_TEST_TOKEN: "s3cr3t-value" } };
    const made = await host.create<Greeter>("destination", "greeter", { greeting: "hi", token: "${env:CONVEYOR_TEST_TOKEN}" }, { environment });
    expect((made.settings as { token?: string }).token).toBe("s3cr3t-value");
    expect(host.secrets.redact("token is s3cr3t-value")).toBe("token is [REDACTED]");
    const missing = await host.validate("destination", "greeter", { greeting: "hi", token: "${env:NOT_SET_ANYWHERE}" }, "destination.settings", environment);
    expect(missing.map(({ path, message }) => ({ path, message }))).toEqual([
      { path: "destination.settings.token", message: "refers to environment variable NOT_SET_ANYWHERE, which is not set" },
    ]);
    // `greeting` is not secret: a reference there would hand a tenant the host's variable.
    const elsewhere = await host.validate("destination", "greeter", { greeting: "${env:CONVEYOR_TEST_TOKEN}" }, "destination.settings", environment);
    expect(elsewhere.map((p) => [p.path, p.code])).toEqual([["destination.settings.greeting", "settings.reference-not-allowed"]]);
    // Without an environment from the host, no reference resolves.
    await expect(host.create("destination", "greeter", { greeting: "hi", token: "${env:CONVEYOR_TEST_TOKEN}" })).rejects.toMatchObject({ code: "settings.reference-disabled" });
  });

  it("takes a destination whose settings are a discriminated union of modes: switches in every mode, modes named, secrets writeOnly in nested unions", async () => {
    const modes = z.discriminatedUnion("mode", [
      z.discriminatedUnion("way", [
        z.object({ mode: z.literal("push").default("push"), way: z.literal("fast").default("fast"), token: z.string() }).strict(),
        z.object({ mode: z.literal("push").default("push"), way: z.literal("slow"), token: z.string().optional() }).strict(),
      ]),
      z.object({ mode: z.literal("pull"), source: z.string() }).strict(),
    ]);
    const moded = { ...greeter, id: "moded", settings: modes, register: (c: DependencyContainer) => void c.register(implementationToken("destination", "moded"), { useClass: Greeter }) };
    const host = new PluginHost();
    expect(host.add(moded, "test")).toBe(true);
    expect(await host.create<Greeter>("destination", "moded", { token: "t" })).toMatchObject({ settings: { mode: "push", way: "fast", token: "t", allow_business_users: false } });
    expect(await host.create<Greeter>("destination", "moded", { mode: "pull", source: "s", allow_restricted_pii: true })).toMatchObject({ settings: { mode: "pull", allow_restricted_pii: true } });
    expect(await host.validate("destination", "moded", { mode: "poll" }, "destination.settings")).toEqual([
      { path: "destination.settings.mode", message: 'must be one of "push", "pull"', severity: "error" },
    ]);
    expect(await host.validate("destination", "moded", { mode: "pull" }, "destination.settings")).toEqual([
      { path: "destination.settings.source", message: "is required (string)", severity: "error" },
    ]);
    expect(settingsJsonSchema(moded)).toMatchObject({ type: "object", oneOf: expect.any(Array) });
    const text = JSON.stringify(settingsJsonSchema(moded));
    expect(text.match(/"token":\{[^}]*"writeOnly":true/g)).toHaveLength(2);
    expect(text.match(/"allow_business_users"/g)).toHaveLength(3);
    expect(host.add({ ...greeter, id: "own-moded", settings: z.union([z.object({ a: z.string() }), z.object({ allow_business_users: z.boolean() })]) }, "x")).toBe(false);
  });

  it("exports settings as JSON Schema with secret fields writeOnly, and a destination's access switches", () => {
    const schema = settingsJsonSchema(greeter) as { properties: Record<string, Record<string, unknown>>; required: string[] };
    expect(schema.properties.token?.writeOnly).toBe(true);
    expect(schema.properties.greeting?.writeOnly).toBeUndefined();
    expect(schema.required).toEqual(["greeting"]);
    expect(schema.properties.allow_business_users).toMatchObject({ type: "boolean", default: false });
    expect(schema.properties.allow_restricted_pii).toMatchObject({ type: "boolean", default: false });
  });

  it("validates the access switches of every destination, which the plugin does not declare", async () => {
    const host = new PluginHost();
    host.add(greeter, "test");
    expect(await host.validate("destination", "greeter", { greeting: "hi", allow_business_users: "yes" }, "destination.settings")).toEqual([
      { path: "destination.settings.allow_business_users", message: "must be a boolean", severity: "error" },
    ]);
  });

  it("refuses a destination whose settings are no z.object, or that declares the access switches itself", () => {
    const host = new PluginHost();
    expect(host.add({ ...greeter, id: "loose", settings: z.string() }, "a")).toBe(false);
    expect(host.add({ ...greeter, id: "own", settings: z.object({ allow_restricted_pii: z.boolean() }) }, "b")).toBe(false);
    expect(host.add({ ...greeter, id: "needy", credentials: { default: { accepts: [], required: true } } }, "c")).toBe(false);
    expect(host.add({ ...greeter, id: "shouty", credentials: { API: { accepts: ["keys"] } } }, "d")).toBe(false);
    expect(host.refused.map((r) => r.reason)).toEqual([
      `destination "loose" settings must be a z.object or a union of them: core adds the access switches to every destination's settings`,
      `destination "own" declares allow_restricted_pii itself; core adds the access switches to every destination's settings`,
      `plugin "needy" credential role "default" accepts []; it must list credential kinds such as ["aws"]`,
      `plugin "shouty" has credential role "API"; a role is lowercase letters, digits and "_"`,
    ]);
  });

  it("warns of platform settings no loaded plugin takes, naming those they take", () => {
    const host = new PluginHost({ platform: { region: "eu-west-1", regoin: "eu-west-1" } });
    host.add(greeter, "test");
    expect(host.platformProblems()).toEqual([
      { path: "platform.regoin", message: "is not a setting of any loaded plugin; the loaded plugins take region", severity: "warning" },
    ]);
    expect(new PluginHost({ platform: { region: "x" } }).platformProblems()).toEqual([
      { path: "platform.region", message: "is not a setting of any loaded plugin; no loaded plugin takes platform settings", severity: "warning" },
    ]);
  });

  it("runs a plugin's checks of its platform settings at validate and when creating it, with their code and action", async () => {
    const action = { kind: "fix-credentials" as const, id: "credentials.invalid", title: "Invalid credentials", problem: "No base keys.", steps: ["Set them."] };
    const keyed = {
      ...greeter,
      platformSettings: z.object({ key_id: z.string().optional() }),
      checkPlatform: (p: { key_id?: string | undefined }) =>
        p.key_id ? [] : [{ path: "key_id", message: "is missing", severity: "error" as const, code: "credentials.invalid", action }],
    };
    const host = new PluginHost();
    host.add(keyed, "test");
    expect(await host.validate("destination", "greeter", { greeting: "hi" }, "destination.settings")).toEqual([
      {
        path: "platform.key_id",
        message: 'is missing (for the destination plugin "greeter"); the host sets it in conveyor.config.yaml under platform.key_id or as CONVEYOR_KEY_ID',
        severity: "error",
        code: "credentials.invalid",
        action,
      },
    ]);
    await expect(host.create("destination", "greeter", { greeting: "hi" })).rejects.toMatchObject({ code: "credentials.invalid", action });
    const withKey = new PluginHost({ platform: { key_id: "AKIA" } });
    withKey.add(keyed, "test");
    expect(await withKey.validate("destination", "greeter", { greeting: "hi" }, "destination.settings")).toEqual([]);
  });
});

describe("composed stages", () => {
  const strictStage = definePlugin({
    id: "strict-stage",
    kind: "encryptor",
    version: "1.0.0",
    apiVersion: API_VERSION,
    displayName: "Strict",
    description: "An encryptor whose key must start with KEY.",
    settings: z.object({ key: z.string(), mode: z.enum(["fast", "safe"]).optional() }).strict(),
    check: (s) => (s.key.startsWith("KEY") ? [] : [{ path: "key", message: "is not a key", severity: "error" as const }]),
    register() {},
  });
  const composer = definePlugin({
    ...greeter,
    id: "composer",
    settings: z.object({ greeting: z.string(), public_key: z.string().optional(), stage: z.string().default("strict-stage"), mode: z.string().optional() }),
    composes: (s) => (s.public_key ? [{ kind: "encryptor" as const, id: s.stage, settings: { key: s.public_key, mode: s.mode }, path: "stage", settingPaths: { key: "public_key", mode: "encryption_mode" } }] : []),
  });

  it("validates the settings of the stages a plugin composes, reported under the composing setting", async () => {
    const host = new PluginHost();
    host.add(strictStage, "test");
    host.add(composer, "test");
    expect(await host.validate("destination", "composer", { greeting: "hi", public_key: "KEY-1" }, "destination.settings")).toEqual([]);
    expect(await host.validate("destination", "composer", { greeting: "hi", public_key: "nope" }, "destination.settings")).toEqual([
      { path: "destination.settings.public_key", message: "is not a key", severity: "error" },
    ]);
    // An unknown stage id is reported at the setting that names it.
    expect(await host.validate("destination", "composer", { greeting: "hi", public_key: "KEY", stage: "gone" }, "destination.settings")).toEqual([
      { path: "destination.settings.stage", message: 'unknown encryptor plugin "gone"; available: strict-stage', severity: "error", code: "plugin.unknown" },
    ]);
    expect(await host.validate("destination", "composer", { greeting: "hi", public_key: "KEY", mode: "slow" }, "destination.settings")).toEqual([
      { path: "destination.settings.encryption_mode", message: 'must be one of "fast", "safe"', severity: "error" },
    ]);
  });

  // A destination that passes a stage its settings as a nested object, as local-directory does.
  const nesting = definePlugin({
    ...greeter,
    id: "nesting",
    settings: z.object({ greeting: z.string().min(2), encryption: z.string().default("strict-stage"), encryption_settings: z.record(z.string(), z.unknown()).default({}) }).strict(),
    composes: (s) => [{ kind: "encryptor" as const, id: s.encryption, settings: s.encryption_settings, path: "encryption", settingsPath: "encryption_settings" }],
  });

  it("reports a stage's problems at their own path inside the settings passed to it", async () => {
    const host = new PluginHost();
    host.add(strictStage, "test");
    host.add(nesting, "test");
    expect(await host.validate("destination", "nesting", { greeting: "hi", encryption_settings: { key: "nope", mode: "slow", extra: 1 } }, "destination.settings")).toEqual([
      { path: "destination.settings.encryption_settings.mode", message: 'must be one of "fast", "safe"', severity: "error" },
      { path: "destination.settings.encryption_settings", message: 'unknown setting "extra"', severity: "error" },
    ]);
    expect(await host.validate("destination", "nesting", { greeting: "hi", encryption_settings: { key: "nope" } }, "destination.settings")).toEqual([
      { path: "destination.settings.encryption_settings.key", message: "is not a key", severity: "error" },
    ]);
  });

  it("still checks the stages when the composing plugin's own settings have errors", async () => {
    const host = new PluginHost();
    host.add(strictStage, "test");
    host.add(nesting, "test");
    const problems = await host.validate("destination", "nesting", { greeting: "x", unknown: true, encryption: "gone" }, "destination.settings");
    expect(problems.map((p) => p.path)).toEqual(["destination.settings.greeting", "destination.settings", "destination.settings.encryption"]);
    // A setting that is itself wrong is not composed from: its default stands in.
    const wrongType = await host.validate("destination", "nesting", { greeting: "x", encryption: 5, encryption_settings: { key: "nope" } }, "destination.settings");
    expect(wrongType.map((p) => [p.path, p.message])).toEqual([
      ["destination.settings.greeting", "must be at least 2 characters"],
      ["destination.settings.encryption", "must be a string"],
      ["destination.settings.encryption_settings.key", "is not a key"],
    ]);
  });

  it("still checks the stages of settings whose schema has cross-field refinements", async () => {
    const host = new PluginHost();
    host.add(strictStage, "test");
    const refined = nesting.settings.superRefine((s, ctx) => {
      if (s.greeting === "no") ctx.addIssue({ code: "custom", path: ["greeting"], message: "is not a greeting" });
    });
    host.add({ ...nesting, settings: refined }, "test");
    expect((await host.validate("destination", "nesting", { greeting: "no", encryption_settings: { key: "nope" } }, "destination.settings")).map((p) => [p.path, p.message])).toEqual([
      ["destination.settings.greeting", "is not a greeting"],
      ["destination.settings.encryption_settings.key", "is not a key"],
    ]);
  });

  it("still checks the stages when the composing plugin's own checks fail", async () => {
    const host = new PluginHost();
    host.add(strictStage, "test");
    host.add({ ...nesting, check: () => [{ path: "greeting", message: "is rude", severity: "error" as const }] }, "test");
    expect((await host.validate("destination", "nesting", { greeting: "hi", encryption_settings: { key: "nope" } }, "destination.settings")).map((p) => p.path)).toEqual([
      "destination.settings.greeting",
      "destination.settings.encryption_settings.key",
    ]);
  });
});

describe("plugin loading", () => {
  const loaded = (host: PluginHost) => host.list("formatter").filter((p) => p.source !== "built-in");

  async function pluginPackage(manifest: object, moduleSource: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), "conveyor-plugin-"));
    await writeFile(join(dir, "package.json"), JSON.stringify({ name: "fixture-plugin", version: "1.2.3", type: "module", conveyor: manifest }));
    await writeFile(join(dir, "index.js"), moduleSource);
    return dir;
  }

  const pluginModule = (id: string) => `
    export default {
      id: ${JSON.stringify(id)}, kind: "formatter", version: "1.2.3", apiVersion: 1,
      displayName: "Fixture", description: "fixture",
      settings: { safeParse: (v) => ({ success: true, data: v }) },
      register() {},
    };`;

  it("loads a plugin package by path through its manifest", async () => {
    const dir = await pluginPackage({ plugins: ["./index.js"], apiVersion: 1 }, pluginModule("fixture"));
    const host = new PluginHost();
    expect(await host.loadPath(dir)).toBe(1);
    expect(loaded(host).map((p) => [p.plugin.id, p.packageName])).toEqual([["fixture", "fixture-plugin"]]);
  });

  it("refuses a package whose import throws, and still loads the others", async () => {
    const broken = await pluginPackage({ plugins: ["./index.js"], apiVersion: 1 }, `throw new Error("boom at import");`);
    const good = await pluginPackage({ plugins: ["./index.js"], apiVersion: 1 }, pluginModule("good"));
    const host = new PluginHost();
    expect(await host.loadPath(broken)).toBe(0);
    expect(await host.loadPath(good)).toBe(1);
    expect(host.refused[0]?.reason).toMatch(/importing .*index\.js failed: boom at import/);
    expect(loaded(host).map((p) => p.plugin.id)).toEqual(["good"]);
  });

  it("refuses a package whose manifest targets another plugin API", async () => {
    const dir = await pluginPackage({ plugins: ["./index.js"], apiVersion: 2 }, pluginModule("later"));
    const host = new PluginHost();
    expect(await host.loadPath(dir)).toBe(0);
    expect(host.refused[0]?.reason).toBe('package "fixture-plugin" targets plugin API 2; this host supports 1');
  });

  it("discovers plugin packages among a project's dependencies", async () => {
    const project = await mkdtemp(join(tmpdir(), "conveyor-project-"));
    await writeFile(join(project, "package.json"), JSON.stringify({ name: "host-app", dependencies: { "fixture-plugin": "1.2.3", "plain-lib": "1.0.0" } }));
    const pluginDir = join(project, "node_modules", "fixture-plugin");
    await mkdir(pluginDir, { recursive: true });
    await writeFile(join(pluginDir, "package.json"), JSON.stringify({ name: "fixture-plugin", version: "1.2.3", type: "module", conveyor: { plugins: ["./index.js"], apiVersion: 1 } }));
    await writeFile(join(pluginDir, "index.js"), pluginModule("discovered"));
    await mkdir(join(project, "node_modules", "plain-lib"), { recursive: true });
    await writeFile(join(project, "node_modules", "plain-lib", "package.json"), JSON.stringify({ name: "plain-lib" }));
    const host = new PluginHost();
    expect(await host.discover(project)).toBe(1);
    expect(loaded(host).map((p) => p.plugin.id)).toEqual(["discovered"]);
    // The same package met again (named as well as discovered) loads once and is no refusal.
    expect(await host.loadPackage("fixture-plugin", project)).toBe(0);
    expect(await host.loadPath(pluginDir)).toBe(0);
    expect(host.refused).toEqual([]);
  });

  it("keeps the first of two different packages that claim one id, and says which was kept, once", async () => {
    const first = await pluginPackage({ plugins: ["./index.js"], apiVersion: 1 }, pluginModule("twin"));
    const second = await pluginPackage({ plugins: ["./index.js"], apiVersion: 1 }, pluginModule("twin"));
    const host = new PluginHost();
    expect(await host.loadPath(first)).toBe(1);
    expect(await host.loadPath(second)).toBe(0);
    expect(host.refused).toEqual([{ source: second, reason: `formatter id "twin" is already provided by ${first}, which is kept` }]);
    expect(loaded(host).map((p) => p.source)).toEqual([first]);
  });
});
