import { afterAll, beforeAll, describe, expect, it } from "vitest";
import credentialAws from "@conveyor/credential-aws";
import { PluginHost, validateJob, type ConnectorPlugin } from "@conveyor/core";
import { parseDelimited } from "@conveyor/testkit";
import s3 from "../src/index.js";
import { getObject, listKeys, send, stagePlugins, startWorld, staticKeys, type S3World } from "./harness.js";

let world: S3World;
beforeAll(async () => void (world = await startWorld()));
afterAll(async () => world?.close());

const validate = (settings: Record<string, unknown>) => world.host.validate("destination", "amazon-s3", settings, "destination.settings");

describe("save-time checks", () => {
  it("refuses an access point ARN as the credential's bucket when the job is validated, suggesting the alias", async () => {
    for (const plugin of credentialAws as ConnectorPlugin[]) world.host.add(plugin, "test");
    const settings = { access_key_id: "AKIAIOSFODNN7EXAMPLE", secret_access_key: "secret", bucket: "arn:aws:s3:us-west-2:123456789012:accesspoint/exports" };
    expect(await world.host.validate("credential", "aws-access-key", settings, "credential.settings")).toEqual([
      { path: "credential.settings.bucket", severity: "error", message: expect.stringContaining("is an access point ARN, which is not supported as the bucket; use the access point's alias instead") },
    ]);
    const alias = { ...settings, bucket: "exports-ap-0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c-s3alias" };
    expect(await world.host.validate("credential", "aws-access-key", alias, "credential.settings")).toEqual([]);
  });

  it("accepts a plain csv + gzip destination without problems", async () => {
    expect(await validate({ prefix: "p", format: "csv", compression: "gzip" })).toEqual([]);
  });

  it("refuses quote mode none without an escape character, as Commons CSV does, under the destination's own setting", async () => {
    expect(await validate({ prefix: "p", format: "csv", quote_mode: "none" })).toEqual([
      { path: "destination.settings.quote_mode", severity: "error", message: expect.stringContaining('quote mode "none" needs an escape_character') },
    ]);
    expect(await validate({ prefix: "p", format: "csv", quote_mode: "none", escape_character: "\\" })).toEqual([]);
  });

  it("refuses parquet with gzip, and parquet with PGP but no archive", async () => {
    expect(await validate({ prefix: "p", format: "parquet", compression: "gzip" })).toEqual([
      expect.objectContaining({ path: "destination.settings.compression", severity: "error", message: expect.stringContaining("gzip cannot be used with parquet") }),
    ]);
    expect(await validate({ prefix: "p", format: "parquet", pgp_public_key: world.keys.publicKey })).toEqual([
      expect.objectContaining({ path: "destination.settings.compression", severity: "error", message: expect.stringContaining("needs compression tar, tgz or zip") }),
      // The key itself is still checked: every problem (and note) at once.
      expect.objectContaining({ path: "destination.settings.pgp_public_key", severity: "info" }),
    ]);
    expect(await validate({ prefix: "p", format: "parquet", compression: "tgz", pgp_public_key: world.keys.publicKey })).toEqual([
      { path: "destination.settings.pgp_public_key", severity: "info", message: expect.stringMatching(/^files will be encrypted to key [0-9A-F]{16}/) },
    ]);
  });

  it("refuses a PGP key that is not one, under pgp_public_key, before any run", async () => {
    const problems = await validate({ prefix: "p", format: "csv", pgp_public_key: "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\ngarbage\n-----END PGP PUBLIC KEY BLOCK-----" });
    expect(problems).toEqual([expect.objectContaining({ path: "destination.settings.pgp_public_key", severity: "error", code: "pgp.invalid-key" })]);
  });

  it("names each bad setting and what is allowed", async () => {
    const problems = await validate({ format: "xml", quote_mode: "sometimes", compression: "rar", split: { rows: 10 }, escape_character: "ab", colour: 1 });
    expect(problems.map((p) => p.path).sort()).toEqual([
      "destination.settings",
      "destination.settings.compression",
      "destination.settings.escape_character",
      "destination.settings.format",
      "destination.settings.prefix",
      "destination.settings.quote_mode",
      "destination.settings.split.rows",
    ]);
    expect(problems.find((p) => p.path.endsWith(".format"))?.message).toBe('must be one of "parquet", "csv", "tsv", "psv"');
    expect(problems.find((p) => p.path.endsWith(".prefix"))?.message).toBe("is required (string)");
  });

  it("reports the stages' problems beside the destination's own, every problem at once", async () => {
    expect((await validate({ format: "csv", quote_mode: "none" })).map((p) => p.path)).toEqual(["destination.settings.prefix", "destination.settings.quote_mode"]);
  });

  it("names a stage plugin the host lacks at the setting that chooses it", async () => {
    const bare = new PluginHost();
    bare.add(s3, "test");
    expect(await bare.validate("destination", "amazon-s3", { prefix: "p", format: "parquet", compression: "zip" }, "destination.settings")).toEqual([
      { path: "destination.settings.format", severity: "error", code: "plugin.unknown", message: 'unknown formatter plugin "parquet"; available: jsonl' },
      { path: "destination.settings.compression", severity: "error", code: "plugin.unknown", message: 'unknown compressor plugin "zip"; available: none' },
    ]);
  });

  it("needs an AWS credential, and refuses one of another kind", async () => {
    const job = (credential?: object) => ({ name: "j", destination: { plugin: "amazon-s3", settings: { prefix: "p" } }, ...(credential ? { credential } : {}) });
    expect((await validateJob(world.host, job())).problems).toEqual([expect.objectContaining({ path: "credential", message: expect.stringContaining("needs a credential of kind aws") })]);
    const host = new PluginHost();
    for (const p of [s3, { ...staticKeys, provides: "oauth" }, ...stagePlugins]) host.add(p, "test");
    expect((await validateJob(host, job({ plugin: "static-keys", settings: { access_key_id: "a", secret_access_key: "b", endpoint: "http://127.0.0.1:1", bucket: "b" } }))).problems).toEqual([
      { path: "credential.plugin", severity: "error", message: '"static-keys" provides oauth; the amazon-s3 destination accepts aws (loaded: none)' },
    ]);
  });

  it("accepts the spec's spelling all-non-null for the quote mode", async () => {
    expect(await validate({ prefix: "p", format: "csv", quote_mode: "all-non-null" })).toEqual([]);
  });
});

describe("access policy and data templates through the destination", () => {
  it("names files from the campaign and group, and writes the template's columns with string-builder values", async () => {
    const run = await send(world, { prefix: "campaigns", format: "csv", allow_business_users: true }, {
      template: {
        file_name: "{{ campaign_name }}/{{ group_name }}_{{ now|format:'yyyyMMdd' }}",
        available_to_campaigns: true,
        columns: [{ source: "email", name: "Email" }, { name: "origin", build: [{ text: "seg-" }, { value: "segment_id" }, { text: "@" }, { value: "export_timestamp" }] }],
      },
      job: { principal: { role: "business_user" }, campaign: { name: "spring_sale", group: "control", recurring: true }, segment: { id: "s42", name: "Loyal" } },
    });
    expect(run.failure).toBeUndefined();
    expect(await listKeys(world, "campaigns/")).toEqual(["campaigns/spring_sale/control_20250131.csv"]);
    const [header, first] = await parseDelimited((await getObject(world, "campaigns/spring_sale/control_20250131.csv")).toString(), ",");
    expect(header).toEqual(["Email", "origin"]);
    expect(first).toEqual(["user1@example.com", "seg-s42@2025-01-31T12:00:00.000Z"]);
  });

  it("appends the date to a one-time campaign's file names", async () => {
    const run = await send(world, { prefix: "once", format: "csv" }, {
      template: { file_name: "{{ campaign_name }}", available_to_campaigns: true },
      job: { campaign: { name: "launch", recurring: false } },
    });
    expect(run.failure).toBeUndefined();
    expect(await listKeys(world, "once/")).toEqual(["once/launch_2025_01_31.csv"]);
  });

  it("refuses a business user unless the destination or its template allows business users, writing nothing", async () => {
    const refused = await send(world, { prefix: "business", format: "csv" }, { job: { principal: { role: "business_user" } } });
    expect(refused.failure?.error.code).toBe("policy.business-users-not-allowed");
    expect(await listKeys(world, "business/")).toEqual([]);
    const allowed = await send(world, { prefix: "business", format: "csv", allow_business_users: true }, { job: { principal: { role: "business_user" } } });
    expect(allowed.failure).toBeUndefined();
  });

  it("refuses a restricted-PII user sending PII columns unless destination and template both allow it", async () => {
    const principal = { principal: { role: "business_user", restricted_pii: true } };
    const destinationOnly = await send(world, { prefix: "pii", format: "csv", allow_business_users: true, allow_restricted_pii: true }, { job: principal });
    expect(destinationOnly.failure?.error.code).toBe("policy.restricted-pii");
    expect(destinationOnly.failure?.error.message).toContain("email");
    expect(await listKeys(world, "pii/")).toEqual([]);
    const both = await send(world, { prefix: "pii", format: "csv", allow_business_users: true, allow_restricted_pii: true }, {
      job: principal,
      template: { file_name: "pii_ok", allow_restricted_pii: true },
    });
    expect(both.failure).toBeUndefined();
    expect(await listKeys(world, "pii/")).toEqual(["pii/pii_ok.csv"]);
  });
});
