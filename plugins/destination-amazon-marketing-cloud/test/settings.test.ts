import { objectKeys, PluginHost, settingsJsonSchema, type ConnectorPlugin } from "@conveyor/core";
import gzip from "@conveyor/compression-gzip";
import delimited from "@conveyor/format-delimited";
import { describe, expect, it } from "vitest";
import plugin from "../src/index.js";
import { AMC_JOB_SETTINGS } from "../src/settings.js";

const host = new PluginHost();
for (const p of [plugin, gzip, ...[delimited].flat()] as ConnectorPlugin[]) host.add(p, "test");

const auth = { amc_instance_id: "amcabc12345" };
const validate = (settings: Record<string, unknown>) => host.validate("destination", "amazon-marketing-cloud", { ...auth, ...settings }, "destination.settings");
const errors = async (settings: Record<string, unknown>) => (await validate(settings)).filter((p) => p.severity === "error");

const factDefinition = JSON.stringify({
  dataSet: {
    dataSetId: "mydemofactdswithidentity",
    columns: [
      { columnType: "DIMENSION", dataType: "STRING", externalUserIdType: { hashedPii: "EMAIL" }, name: "email" },
      { columnType: "DIMENSION", dataType: "DATE", isMainEventTime: true, name: "record_date" },
      { columnType: "DIMENSION", dataType: "STRING", name: "tcf_string", consentType: "TCF" },
    ],
    countryCode: "US",
  },
});

describe("settings and their conditional requirements", () => {
  it("accepts the seed's upload example (corrected indentation) and its create-and-upload example", async () => {
    expect(await validate({ target: "dataset", operation: "upload", dataset_id: "dataset_id", bucket: "bucket_name", path_prefix: "path_prefix/", file_name_prefix: "file_name_prefix", wait_until_finish: true, clean_upload_file: true })).toEqual([]);
    expect(
      await validate({ target: "dataset", operation: "upload", dataset_id: "mydemofactdswithidentity", create_dataset: true, dataset_definition: factDefinition, bucket: "bucket_name", path_prefix: "path_prefix", file_name_prefix: "file_name_prefix", wait_until_finish: true, clean_upload_file: true }),
    ).toEqual([]);
  });

  it("accepts the seed's delete and rule-based audience examples (advertiser_id given as a number)", async () => {
    expect(await validate({ target: "dataset", operation: "delete" })).toEqual([]);
    expect(
      await validate({
        target: "rule_based_audiences", amc_account_id: "ENTITYABC", audience_name: "test_audience", audience_description: "test audience description", advertiser_id: 123,
        query: "SELECT user_id FROM dsp_impressions", time_window_start: "2023-06-25T00:00:00", time_window_end: "2023-07-25T00:00:00", refresh_rate_days: 1, time_window_relative: false,
      }),
    ).toEqual([]);
  });

  it("requires dataset_id for uploads, not for deletes", async () => {
    expect(await errors({ operation: "upload" })).toEqual([expect.objectContaining({ path: "destination.settings.dataset_id", message: "is required (string)" })]);
    expect(await errors({ operation: "delete" })).toEqual([]);
  });

  it("requires a valid dataset_definition with create_dataset, naming what is wrong inside it", async () => {
    expect(await errors({ dataset_id: "d_one", create_dataset: true })).toEqual([expect.objectContaining({ path: "destination.settings.dataset_definition", message: "is required when create_dataset is true" })]);
    expect(await errors({ dataset_id: "d_one", create_dataset: true, dataset_definition: "{not json" })).toEqual([expect.objectContaining({ path: "destination.settings.dataset_definition", message: expect.stringContaining("not valid JSON") })]);
    const wrongType = JSON.stringify({ dataSet: { dataSetId: "d_one", columns: [{ name: "a", columnType: "DIMENSION", dataType: "TEXT" }] } });
    expect(await errors({ dataset_id: "d_one", create_dataset: true, dataset_definition: wrongType })).toEqual([expect.objectContaining({ path: "destination.settings.dataset_definition.dataSet.columns.0.dataType" })]);
    expect(await errors({ dataset_id: "other_id", create_dataset: true, dataset_definition: factDefinition })).toEqual([
      expect.objectContaining({ path: "destination.settings.dataset_definition.dataSet.dataSetId", message: expect.stringContaining('but dataset_id is "other_id"') }),
    ]);
  });

  it("fills the definition's dataSetId from dataset_id and takes it as an object too", async () => {
    const definition = { dataSet: { columns: [{ name: "a", columnType: "DIMENSION", dataType: "STRING" }] } };
    expect(await errors({ dataset_id: "d_one", create_dataset: true, dataset_definition: definition })).toEqual([]);
  });

  it("refuses an overlap strategy for a dimension dataset, and accepts the console's spelling of strategies", async () => {
    const dimension = JSON.stringify({ dataSet: { dataSetId: "dim_one", columns: [{ name: "sku", columnType: "DIMENSION", dataType: "STRING" }] } });
    expect(await errors({ dataset_id: "dim_one", create_dataset: true, dataset_definition: dimension, update_strategy: "OVERLAP REPLACE" })).toEqual([
      expect.objectContaining({ path: "destination.settings.update_strategy", message: expect.stringContaining("fact datasets only") }),
    ]);
    expect(await errors({ dataset_id: "dim_one", update_strategy: "FULL REPLACE" })).toEqual([]);
    expect(await errors({ dataset_id: "dim_one", update_strategy: "SOMETIMES" })).toEqual([expect.objectContaining({ path: "destination.settings.update_strategy", message: expect.stringContaining('"ADDITIVE"') })]);
  });

  it("requires the audience settings, a query selecting user_id (case-sensitive) and a real time window", async () => {
    const base = { target: "rule_based_audiences", audience_name: "a", advertiser_id: "123", time_window_start: "2023-06-25T00:00:00", time_window_end: "2023-07-25T00:00:00Z" };
    expect((await errors({ target: "rule_based_audiences" })).map((p) => p.path).sort()).toEqual(
      ["advertiser_id", "audience_name", "query", "time_window_end", "time_window_start"].map((k) => `destination.settings.${k}`),
    );
    expect(await errors({ ...base, query: "SELECT USER_ID FROM dsp_impressions" })).toEqual([expect.objectContaining({ path: "destination.settings.query", message: expect.stringContaining("must select user_id") })]);
    expect(await errors({ ...base, query: "SELECT user_id FROM t" })).toEqual([]);
    expect(await errors({ ...base, query: "SELECT user_id FROM t", time_window_start: "2023-02-30T00:00:00" })).toEqual([expect.objectContaining({ path: "destination.settings.time_window_start" })]);
    expect(await errors({ ...base, query: "SELECT user_id FROM t", time_window_end: "2023-01-01T00:00:00" })).toEqual([expect.objectContaining({ path: "destination.settings.time_window_end", message: "must be after time_window_start" })]);
  });

  it("keeps refresh_rate_days within 0–21 (default 21)", async () => {
    const base = { target: "rule_based_audiences", audience_name: "a", advertiser_id: "1", query: "SELECT user_id FROM t", time_window_start: "2023-06-25T00:00:00", time_window_end: "2023-07-25T00:00:00" };
    expect(await errors({ ...base, refresh_rate_days: 22 })).toEqual([expect.objectContaining({ path: "destination.settings.refresh_rate_days", message: "must be at most 21" })]);
    expect(await errors({ ...base, refresh_rate_days: -1 })).toEqual([expect.objectContaining({ path: "destination.settings.refresh_rate_days", message: "must be at least 0" })]);
    expect(await errors({ ...base, refresh_rate_days: 0 })).toEqual([]);
    expect(plugin.settings.parse({ ...auth, ...base })).toMatchObject({ refresh_rate_days: 21 });
  });

  it("names bad values and unknown settings, and requires the instance", async () => {
    const problems = await host.validate("destination", "amazon-marketing-cloud", { dataset_id: "Bad-Id", country_code: "USA", file_name_prefix: "_hidden", colour: 1 }, "destination.settings");
    expect(problems.map((p) => p.path).sort()).toEqual(
      ["", "amc_instance_id", "country_code", "dataset_id", "file_name_prefix"].map((k) => (k ? `destination.settings.${k}` : "destination.settings")),
    );
    expect(problems.find((p) => p.path.endsWith("dataset_id"))!.message).toContain("lowercase AMC dataset id");
    expect(problems.find((p) => p.path.endsWith("file_name_prefix"))!.message).toContain("must not start with '.', '_'");
  });

  it("takes only ISO 3166-1 alpha-2 country codes, when the job is saved: UK is refused with GB suggested", async () => {
    expect(await errors({ dataset_id: "d_one", country_code: "gb" })).toEqual([]);
    expect(await errors({ dataset_id: "d_one", country_code: "UK" })).toEqual([
      expect.objectContaining({ path: "destination.settings.country_code", message: '"UK" is not an ISO 3166-1 alpha-2 country code and AMC refuses it; use "GB"' }),
    ]);
    expect(await errors({ dataset_id: "d_one", country_code: "XX" })).toEqual([
      expect.objectContaining({ path: "destination.settings.country_code", message: expect.stringContaining('"XX" is not an ISO 3166-1 alpha-2 country code') }),
    ]);
    const ukDefinition = JSON.stringify({ dataSet: { dataSetId: "d_one", countryCode: "UK", columns: [{ name: "a", columnType: "DIMENSION", dataType: "STRING" }] } });
    expect(await errors({ dataset_id: "d_one", create_dataset: true, dataset_definition: ukDefinition })).toEqual([
      expect.objectContaining({ path: "destination.settings.dataset_definition.dataSet.countryCode", message: expect.stringContaining('use "GB"') }),
    ]);
  });

  it("refuses, when the job is saved, an ISO country whose PII Amazon's uploader cannot normalize", async () => {
    expect(await errors({ dataset_id: "d_one", country_code: "BR" })).toEqual([
      expect.objectContaining({ path: "destination.settings.country_code", message: '"BR" has no PII normalization rules in Amazon\'s uploader; use one of US, CA, GB, FR, DE, ES, IT, JP, IN' }),
    ]);
    expect(await errors({ operation: "delete", country_code: "BR" })).toHaveLength(1);
  });

  it("treats a blank amc_account_id as not set (the instance's first account)", async () => {
    expect(await errors({ dataset_id: "d_one", amc_account_id: "" })).toEqual([]);
    expect(await errors({ dataset_id: "d_one", amc_account_id: null })).toEqual([]);
    expect(plugin.settings.parse({ ...auth, dataset_id: "d_one", amc_account_id: " " }).amc_account_id).toBeUndefined();
  });

  it("holds no secrets: the Login with Amazon client and token are the api credential's, the S3 keys the staging credential's", () => {
    expect(plugin.secrets).toBeUndefined();
    expect(plugin.credentials).toEqual({ api: { accepts: ["login-with-amazon"], required: true }, staging: { accepts: ["aws"] } });
  });

  it("warns that clean_upload_file needs wait_until_finish", async () => {
    expect(await validate({ dataset_id: "d_one", wait_until_finish: false, clean_upload_file: true })).toEqual([
      expect.objectContaining({ path: "destination.settings.clean_upload_file", severity: "warning" }),
    ]);
  });
});

describe("one shape per target and operation", () => {
  const audience = { target: "rule_based_audiences", audience_name: "a", advertiser_id: "1", query: "SELECT user_id FROM t", time_window_start: "2023-06-25T00:00:00", time_window_end: "2023-07-25T00:00:00" };

  it("refuses another target's or operation's settings as unknown, and names the targets and operations there are", async () => {
    expect(await errors({ operation: "delete", dataset_id: "d_one", bucket: "b" })).toEqual([expect.objectContaining({ path: "destination.settings", message: 'unknown settings "dataset_id", "bucket"' })]);
    expect(await errors({ ...audience, country_code: "US" })).toEqual([expect.objectContaining({ path: "destination.settings", message: 'unknown setting "country_code"' })]);
    expect(await errors({ dataset_id: "d_one", query: "SELECT user_id FROM t" })).toEqual([expect.objectContaining({ path: "destination.settings", message: 'unknown setting "query"' })]);
    expect(await errors({ target: "audience" })).toEqual([{ path: "destination.settings.target", severity: "error", message: 'must be one of "dataset", "rule_based_audiences"' }]);
    expect(await errors({ operation: "remove" })).toEqual([{ path: "destination.settings.operation", severity: "error", message: 'must be one of "upload", "delete"' }]);
  });

  it("says in the JSON Schema which fields each target requires", () => {
    const text = JSON.stringify(settingsJsonSchema(plugin));
    const required = [...text.matchAll(/"required":(\[[^\]]*\])/g)].map((m) => (JSON.parse(m[1]!) as string[]).sort());
    expect(required).toEqual([
      ["amc_instance_id", "dataset_id"],
      ["amc_instance_id", "operation"],
      ["advertiser_id", "amc_instance_id", "audience_name", "query", "target", "time_window_end", "time_window_start"],
    ]);
  });

  it("lets a workflow set every setting of every target but the endpoint and AMC's data upload account, which stay the connection's", () => {
    const keys = objectKeys(plugin.settings)!;
    expect(keys.filter((k) => !(AMC_JOB_SETTINGS as readonly string[]).includes(k)).sort()).toEqual(["amc_data_upload_account_id", "amc_endpoint"]);
    expect(AMC_JOB_SETTINGS.filter((k) => !keys.includes(k))).toEqual([]);
  });
});

describe("the stages an upload composes", () => {
  it("needs the csv formatter and gzip compressor loaded (said at validation, not at run time)", async () => {
    const bare = new PluginHost();
    bare.add(plugin, "test");
    const problems = await bare.validate("destination", "amazon-marketing-cloud", { ...auth, dataset_id: "d_one" }, "destination.settings");
    expect(problems).toEqual([
      expect.objectContaining({ path: "destination.settings.operation", code: "plugin.unknown", message: expect.stringMatching(/^unknown formatter plugin "csv"; available: /) }),
      expect.objectContaining({ path: "destination.settings.operation", code: "plugin.unknown", message: expect.stringMatching(/^unknown compressor plugin "gzip"; available: /) }),
    ]);
    expect(await bare.validate("destination", "amazon-marketing-cloud", { ...auth, operation: "delete" }, "destination.settings")).toEqual([]);
  });
});
