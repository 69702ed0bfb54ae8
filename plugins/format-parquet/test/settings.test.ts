import { PluginHost, settingsJsonSchema } from "@conveyor/core";
import { describe, expect, it } from "vitest";
import plugin from "../src/index.js";

async function problems(settings: unknown) {
  const host = new PluginHost();
  host.add(plugin, "test");
  return host.validate("formatter", "parquet", settings, "destination.settings.format");
}

describe("settings", () => {
  it("default to parquet-wasm, Snappy, TIMESTAMP micros and DECIMAL(38,9)", () => {
    expect(plugin.settings.parse({})).toEqual({
      exclude_parquet_extension: false,
      compression: "snappy",
      engine: "parquet-wasm",
      row_group_rows: 1_048_576,
      row_group_mb: 16,
      part_rows: 10_000_000,
      part_mb: 512,
      timestamp_unit: "micros",
      decimal_precision: 38,
      decimal_scale: 9,
    });
  });

  it("name the setting in every problem", async () => {
    expect(await problems({ decimal_precision: 10, decimal_scale: 11, compression: "lz4", exclude_parquet_extention: true })).toEqual([
      { path: "destination.settings.format.compression", message: 'must be one of "snappy", "gzip", "zstd", "none"', severity: "error" },
      { path: "destination.settings.format", message: 'unknown setting "exclude_parquet_extention"', severity: "error" },
    ]);
    expect(await problems({ decimal_precision: 10, decimal_scale: 11 })).toEqual([
      { path: "destination.settings.format.decimal_scale", message: "must be at most decimal_precision (10)", severity: "error" },
    ]);
    expect(await problems({ engine: "parquetjs-lite", compression: "zstd" })).toEqual([
      {
        path: "destination.settings.format.compression",
        message: 'zstd is not supported by engine "parquetjs-lite"; choose snappy, gzip or none, or engine "parquet-wasm"',
        severity: "error",
      },
    ]);
  });

  it("are described as JSON Schema for a settings form", () => {
    const schema = settingsJsonSchema(plugin) as { properties: Record<string, { enum?: string[]; default?: unknown }> };
    expect(schema.properties.engine?.enum).toEqual(["parquet-wasm", "parquetjs-lite"]);
    expect(schema.properties.compression?.default).toBe("snappy");
  });
});
