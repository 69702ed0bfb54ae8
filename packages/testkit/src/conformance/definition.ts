import { API_VERSION, ConnectorError, PluginHost, settingsJsonSchema, type ConnectorPlugin, type PluginKind } from "@conveyor/core";
import { describe, expect, it } from "vitest";

export interface InvalidSettingsCase {
  /** Why these settings are wrong, for the test name. */
  why: string;
  settings: unknown;
  /** The setting the error must name, relative to the plugin's settings (e.g. `quote_mode`; "" for the settings object itself). */
  path: string;
}

export interface SettingsFixtures {
  /** Settings that must be accepted. */
  settings: unknown;
  /** Other plugins the plugin needs loaded: stages it composes, the credential it uses. */
  plugins?: readonly ConnectorPlugin[];
  /** Settings that must be refused, each naming its setting. */
  invalidSettings?: InvalidSettingsCase[];
  /**
   * Host-provided settings the plugin needs (platform role, endpoints…); a function when they
   * are only known once an emulator has started (it is called inside tests).
   */
  platform?: Record<string, unknown> | (() => Record<string, unknown>);
}

export function platformOf(fixtures: SettingsFixtures): Record<string, unknown> {
  return typeof fixtures.platform === "function" ? fixtures.platform() : (fixtures.platform ?? {});
}

export function hostWith(plugin: ConnectorPlugin, extra: readonly ConnectorPlugin[] = [], platform: Record<string, unknown> = {}): PluginHost {
  const host = new PluginHost({ platform });
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
      const host = hostWith(plugin, fixtures.plugins ?? [], platformOf(fixtures));
      expect(await host.validate(kind, plugin.id, fixtures.settings, "settings")).toEqual(
        expect.not.arrayContaining([expect.objectContaining({ severity: "error" })]),
      );
    });

    for (const bad of fixtures.invalidSettings ?? []) {
      it(`refuses settings where ${bad.why}, naming ${bad.path || "the settings"}`, async () => {
        const host = hostWith(plugin, fixtures.plugins ?? [], platformOf(fixtures));
        const error = await host.create(kind, plugin.id, bad.settings, { path: "settings" }).catch((e: unknown) => e);
        expect(ConnectorError.is(error), "a ConnectorError").toBe(true);
        expect((error as ConnectorError).category).toBe("invalid-input");
        expect((error as ConnectorError).message).toContain(bad.path ? `settings.${bad.path}: ` : "settings: ");
      });
    }
  });
}
