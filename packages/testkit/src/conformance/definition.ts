import { randomBytes } from "node:crypto";
import {
  API_VERSION,
  ConnectorError,
  createLogger,
  PluginHost,
  SecretRegistry,
  settingsJsonSchema,
  type ConnectorPlugin,
  type PluginHostOptions,
  type PluginKind,
} from "@conveyor/core";
import { describe, expect, it } from "vitest";

/**
 * A fixture value, or a function giving it (it may be async): functions are called inside the
 * tests, so they can read what `beforeAll` set up (an emulator's endpoint, a generated key).
 */
export type Fixture<T> = T | (() => T | Promise<T>);

export async function resolveFixture<T>(fixture: Fixture<T>): Promise<T> {
  return typeof fixture === "function" ? (fixture as () => T | Promise<T>)() : fixture;
}

const OPTED_OUT: unique symbol = Symbol("conveyor.conformance.opt-out");

/** A check the plugin cannot support, declined on purpose: made with {@link optOut}. */
export interface OptOut {
  readonly [OPTED_OUT]: string;
}

/** Declines one check of a suite; the reason shows in the test's name. */
export function optOut(reason: string): OptOut {
  if (reason.trim() === "") throw new Error("optOut needs a reason");
  return { [OPTED_OUT]: reason };
}

export function isOptOut(value: unknown): value is OptOut {
  return typeof value === "object" && value !== null && OPTED_OUT in value;
}

/**
 * The check `name`, run with its fixture. An opt-out is a test that names the reason and runs
 * `verifyOptOut` (what can be checked of it); a missing fixture fails, so no check is ever left
 * out without a word.
 */
export function itChecks<T>(
  name: string,
  fixtureName: string,
  fixture: T | OptOut | undefined,
  check: (value: T) => Promise<void>,
  verifyOptOut: () => void | Promise<void> = () => {},
): void {
  if (fixture === undefined) {
    it(name, () => {
      throw new Error(`give the fixture \`${fixtureName}\`, or decline the check with \`${fixtureName}: optOut("why")\``);
    });
  } else if (isOptOut(fixture)) {
    it(`${name} (opted out: ${fixture[OPTED_OUT]})`, verifyOptOut);
  } else {
    it(name, () => check(fixture));
  }
}

/**
 * A value to plant in a secret setting: recognisable in any output, 40 letters and digits so it
 * passes the usual key formats.
 */
export function plantedSecret(): string {
  return `Conformance0Secret${randomBytes(11).toString("hex")}`;
}

/** A host whose log (every level) is kept, to search it for secrets. */
export function loggingHost(plugin: ConnectorPlugin, extra: readonly ConnectorPlugin[], platform: Record<string, unknown>): { host: PluginHost; logs: () => string } {
  const lines: string[] = [];
  const secrets = new SecretRegistry();
  const logger = createLogger({ level: "trace", secrets, destination: { write: (line: string) => void lines.push(line) } });
  return { host: hostWith(plugin, extra, platform, { logger, secrets }), logs: () => lines.join("") };
}

/** Everything an error lets out: its message, its JSON, and its causes' messages. */
export function errorText(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    parts.push(e instanceof Error ? e.message : String(e));
    if (ConnectorError.is(e)) parts.push(JSON.stringify(e.toJSON()));
  }
  return parts.join("\n");
}

export interface InvalidSettingsCase {
  /** Why these settings are wrong, for the test name. */
  why: string;
  settings: Fixture<unknown>;
  /** The setting the error must name, relative to the plugin's settings (e.g. `quote_mode`; "" for the settings object itself). */
  path: string;
}

export interface SettingsFixtures {
  /** Settings that must be accepted. */
  settings: Fixture<unknown>;
  /** Other plugins the plugin needs loaded: stages it composes, the credential it uses. */
  plugins?: readonly ConnectorPlugin[];
  /** Settings that must be refused, each naming its setting. */
  invalidSettings?: InvalidSettingsCase[];
  /**
   * Host-provided settings the plugin needs (platform role, endpoints…); a function when they
   * are only known once an emulator has started.
   */
  platform?: Fixture<Record<string, unknown>>;
}

export async function platformOf(fixtures: SettingsFixtures): Promise<Record<string, unknown>> {
  return (await resolveFixture(fixtures.platform)) ?? {};
}

export function hostWith(
  plugin: ConnectorPlugin,
  extra: readonly ConnectorPlugin[] = [],
  platform: Record<string, unknown> = {},
  options: Pick<PluginHostOptions, "logger" | "secrets"> = {},
): PluginHost {
  const host = new PluginHost({ platform, ...options });
  for (const p of [plugin, ...extra]) {
    if (!host.add(p, "conformance")) throw new Error(`cannot add plugin ${p.kind}:${p.id}: ${host.refused.at(-1)?.reason}`);
  }
  return host;
}

/** The checks every plugin passes, whatever its kind. */
export function describeDefinition(plugin: ConnectorPlugin, kind: PluginKind, fixtures: SettingsFixtures): void {
  describe("definition", () => {
    it(`is a ${kind} plugin of this plugin API`, () => {
      expect(plugin.kind).toBe(kind);
      expect(plugin.apiVersion).toBe(API_VERSION);
      expect(plugin.id).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(plugin.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(plugin.displayName.length).toBeGreaterThan(0);
      expect(plugin.description.length).toBeGreaterThan(0);
    });

    it("exports its settings as a JSON Schema object with secrets write-only", () => {
      const schema = settingsJsonSchema(plugin);
      expect(schema.type).toBe("object");
      expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
      for (const path of plugin.secrets ?? []) {
        const leaf = path.split(".").reduce<Record<string, unknown> | undefined>((node, key) => {
          const props = (node?.properties ?? {}) as Record<string, Record<string, unknown>>;
          return props[key];
        }, schema);
        if (leaf) expect(leaf.writeOnly, `secret ${path} is writeOnly`).toBe(true);
      }
    });

    it("accepts its fixture settings", async () => {
      const host = hostWith(plugin, fixtures.plugins ?? [], await platformOf(fixtures));
      expect(await host.validate(kind, plugin.id, await resolveFixture(fixtures.settings), "settings")).toEqual(
        expect.not.arrayContaining([expect.objectContaining({ severity: "error" })]),
      );
    });

    for (const bad of fixtures.invalidSettings ?? []) {
      it(`refuses settings where ${bad.why}, naming ${bad.path || "the settings"}`, async () => {
        const host = hostWith(plugin, fixtures.plugins ?? [], await platformOf(fixtures));
        const error = await host.create(kind, plugin.id, await resolveFixture(bad.settings), { path: "settings" }).catch((e: unknown) => e);
        expect(ConnectorError.is(error), "a ConnectorError").toBe(true);
        expect((error as ConnectorError).category).toBe("invalid-input");
        expect((error as ConnectorError).message).toContain(bad.path ? `settings.${bad.path}: ` : "settings: ");
      });
    }
  });
}
