import { API_VERSION, definePlugin, PluginHost, validateJob, z } from "@conveyor/core";
import { describe, expect, it } from "vitest";
import plugin from "../src/index.js";

function host(): PluginHost {
  const h = new PluginHost();
  if (!h.add(plugin, "test")) throw new Error(h.refused.at(-1)?.reason);
  return h;
}

const job = (settings: Record<string, unknown>, extra: object = {}) => ({ name: "customers", destination: { plugin: "local-directory", settings: { directory: "/tmp/out", ...settings } }, ...extra });

describe("validate", () => {
  it("reports an unknown stage id at the setting naming it, and a stage's problems inside its settings", async () => {
    const result = await validateJob(host(), job({ format: "xml", compression: "none", compression_settings: { level: 9 } }));
    expect(result.problems.map(({ path, message }) => ({ path, message }))).toEqual([
      { path: "destination.settings.format", message: 'unknown formatter plugin "xml"; available: jsonl' },
      { path: "destination.settings.compression_settings", message: 'unknown setting "level"' },
    ]);
    const nested = await validateJob(host(), job({ format_settings: { rows_per_file: 0 } }));
    expect(nested.problems.map((p) => p.path)).toEqual(["destination.settings.format_settings.rows_per_file"]);
  });

  it("still checks the stages when its own settings have errors", async () => {
    const result = await validateJob(host(), job({ prefix: 5, format: "xml" }));
    expect(result.problems.map((p) => p.path)).toEqual(["destination.settings.prefix", "destination.settings.format"]);
  });

  it("takes no credential", async () => {
    const h = host();
    h.add(definePlugin({ id: "keys", kind: "credential", version: "1.0.0", apiVersion: API_VERSION, displayName: "Keys", description: "test", settings: z.object({}), provides: "aws", register() {} }), "test");
    const result = await validateJob(h, job({}, { credential: { plugin: "keys", settings: {} } }));
    expect(result.problems).toEqual([
      { path: "credential.plugin", severity: "error", message: "the local-directory destination takes no credential; remove the job's credential" },
    ]);
  });
});
