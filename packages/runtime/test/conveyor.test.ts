import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import localDirectory from "@conveyor-example/destination-local-directory";
import awsCredentials from "@conveyor/credential-aws";
import roleToRole from "@conveyor/credential-iam-role-to-role";
import s3 from "@conveyor/destination-amazon-s3";
import delimited from "@conveyor/format-delimited";
import { customerRows, customerSchema } from "@conveyor/testkit";
import { describe, expect, it } from "vitest";
import { API_VERSION, definePlugin, implementationToken, z, type ConnectionCheck, type Credential, type Destination } from "@conveyor/core";
import { createConveyor, FileRunStore, jobDigest } from "../src/index.js";

const tempDir = () => mkdtemp(join(tmpdir(), "conveyor-runtime-"));

const jobFor = (directory: string, extra: Record<string, unknown> = {}) => ({
  name: "customers",
  destination: { plugin: "local-directory", settings: { directory, format: "jsonl", success_file: true, ...extra } },
  template: { file_name: "customers_{{ now|format:'yyyy_MM_dd' }}" },
});

describe("createConveyor", () => {
  it("lists its plugins and gives their settings as JSON Schema", async () => {
    const conveyor = await createConveyor({ plugins: [localDirectory] });
    const { loaded, refused } = conveyor.plugins();
    expect(refused).toEqual([]);
    expect(loaded.map((p) => `${p.kind}:${p.id}:${p.source}`)).toEqual(["compressor:none:built-in", "formatter:jsonl:built-in", "destination:local-directory:host"]);
    expect(conveyor.schema("local-directory")).toMatchObject({ type: "object", "x-conveyor": { kind: "destination", id: "local-directory" } });
    expect(() => conveyor.schema("nope")).toThrow(/unknown plugin "nope"/);
  });

  it("validates a job, reporting every problem at once", async () => {
    const conveyor = await createConveyor({ plugins: [localDirectory] });
    const bad = await conveyor.validate({ name: "bad name!", destination: { plugin: "nowhere" } });
    expect(bad.valid).toBe(false);
    expect(bad.problems.map((p) => p.path)).toEqual(["name"]);
    const unknown = await conveyor.validate({ name: "ok", destination: { plugin: "nowhere" } });
    expect(unknown.problems.map((p) => p.path)).toEqual(["destination.plugin"]);
    const good = await conveyor.validate(jobFor("/tmp/x"));
    expect(good).toMatchObject({ valid: true, job: { name: "customers" } });
  });

  it("sends host rows, records the run, and retries a failed run with the same job once its cause is fixed", async () => {
    const dir = await tempDir();
    const blocked = join(dir, "out");
    // A file where the destination wants a folder: the first send fails.
    await writeFile(blocked, "not a folder");
    const store = new FileRunStore(join(dir, "state"));
    const conveyor = await createConveyor({ plugins: [localDirectory], stores: { runs: store } });
    const job = jobFor(blocked);
    const progress: number[] = [];
    const onProgress = (p: { rows?: number }) => void (p.rows !== undefined && progress.push(p.rows));
    const failed = await conveyor.send({ job, rows: customerRows(300), schema: customerSchema, onProgress });
    expect(failed.status).toBe("failed");
    expect(failed.origin.jobSha256).toBe(jobDigest(job));
    expect((await conveyor.runs.get(failed.id)).status).toBe("failed");

    await rm(blocked);
    // The schema and job are the run's own: only the rows are given again.
    const retried = await conveyor.retry(failed.id, { rows: customerRows(300), onProgress });
    expect(retried).toMatchObject({ id: failed.id, status: "succeeded", attempt: 2, report: { rows: 300 } });
    expect(progress.at(-1)).toBe(300);
    const done = JSON.parse(await readFile(join(blocked, (await readdir(blocked)).find((f) => f.endsWith(".DONE"))!), "utf8")) as { rows: number };
    expect(done.rows).toBe(300);
    expect((await conveyor.runs.list()).map((r) => r.id)).toEqual([failed.id]);
    await expect(conveyor.retry(failed.id, { rows: customerRows(1) })).rejects.toMatchObject({ code: "run.not-failed" });
  });

  it("refuses to retry with a changed job, and restarts with the job as it is now", async () => {
    const dir = await tempDir();
    const blocked = join(dir, "out");
    await writeFile(blocked, "not a folder");
    const conveyor = await createConveyor({ plugins: [localDirectory] });
    const failed = await conveyor.send({ job: jobFor(blocked), rows: customerRows(10), schema: customerSchema });
    expect(failed.status).toBe("failed");
    const fixed = jobFor(join(dir, "elsewhere"));
    await expect(conveyor.retry(failed.id, { job: fixed, rows: customerRows(10) })).rejects.toMatchObject({ code: "run.job-changed" });
    const restarted = await conveyor.restart(failed.id, { job: fixed, rows: customerRows(10), schema: customerSchema });
    expect(restarted).toMatchObject({ status: "succeeded", attempt: 2 });
  });

  it("restarts with the job's current schema, not the one the failed attempt recorded", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "people.csv"), "id,name\n1,Ada\n2,Grace\n");
    const blocked = join(dir, "out");
    await writeFile(blocked, "not a folder");
    const conveyor = await createConveyor({ plugins: [localDirectory], inputRoots: [dir] });
    const failed = await conveyor.send({ job: { ...jobFor(blocked), input: { path: "people.csv" } } });
    expect(failed.origin.schema?.columns.map((c) => c.type)).toEqual(["string", "string"]);
    await rm(blocked);
    const typed = { ...jobFor(blocked), input: { path: "people.csv" }, schema: { columns: [{ name: "id", type: "long" }, { name: "name" }] } };
    const restarted = await conveyor.restart(failed.id, { job: typed });
    expect(restarted.status).toBe("succeeded");
    expect(restarted.origin.schema?.columns.map((c) => c.type)).toEqual(["long", "string"]);
  });

  it("needs the job again to retry a run another process sent", async () => {
    const dir = await tempDir();
    const store = new FileRunStore(dir);
    const blocked = join(dir, "out");
    await writeFile(blocked, "x");
    const first = await createConveyor({ plugins: [localDirectory], stores: { runs: store } });
    const failed = await first.send({ job: jobFor(blocked), rows: customerRows(5), schema: customerSchema });
    await first.close();
    await expect(first.runs.list()).rejects.toMatchObject({ code: "conveyor.closed" });
    const second = await createConveyor({ plugins: [localDirectory], stores: { runs: store } });
    await expect(second.retry(failed.id, { rows: customerRows(5) })).rejects.toMatchObject({ code: "run.job-unavailable" });
  });
});

/** A destination that takes the AWS credentials, with the formatter its settings compose. */
const awsPlugins = [s3, ...delimited, ...awsCredentials];
const s3JobWith = (credential: object) => ({ name: "customers", destination: { plugin: "amazon-s3", settings: { prefix: "p", format: "csv" } }, credential });

describe("the host's platform settings", () => {
  it("warns at validate of a platform setting no loaded plugin takes; the job stays valid", async () => {
    const conveyor = await createConveyor({ plugins: awsPlugins, platform: { aws_region: "eu-west-1", aws_regoin: "eu-west-1" } });
    const credential = { plugin: "aws-access-key", settings: { access_key_id: "AKIAEXAMPLEEXAMPLE01", secret_access_key: "s" } };
    const checked = await conveyor.validate(s3JobWith(credential));
    expect(checked.valid).toBe(true);
    expect(checked.problems).toEqual([
      { path: "platform.aws_regoin", severity: "warning", message: expect.stringMatching(/^is not a setting of any loaded plugin; the loaded plugins take .*aws_region/) },
    ]);
  });

  it("refuses a job at validate when the host lacks its base AWS identity, as Invalid credentials with an action", async () => {
    const platform = { platform_role_arn: "arn:aws:iam::123456789012:role/platform", external_id: "tenant-1-external-id" };
    const conveyor = await createConveyor({ plugins: [...awsPlugins, roleToRole], platform });
    const job = s3JobWith({ plugin: "iam-role-to-role", settings: { target_role_arn: "arn:aws:iam::210987654321:role/exports", bucket: "exports-bucket" } });
    const checked = await conveyor.validate(job);
    expect(checked.problems).toEqual([
      expect.objectContaining({ path: "platform.aws_access_key_id", code: "credentials.invalid", action: expect.objectContaining({ kind: "fix-credentials" }) }),
    ]);
    await expect(conveyor.send({ job, rows: customerRows(1), schema: customerSchema })).rejects.toMatchObject({ code: "credentials.invalid", action: { kind: "fix-credentials" } });
  });
});

describe("tenant safety", () => {
  it("resolves no ${env:} or ${file:} reference unless the host enables them, not even in a secret setting", async () => {
    process.env.CONVEYOR_RUNTIME_TEST_SECRET = "host-secret-value";
    const conveyor = await createConveyor({ plugins: awsPlugins });
    const credential = { plugin: "aws-access-key", settings: { access_key_id: "AKIAEXAMPLEEXAMPLE01", secret_access_key: "${env:CONVEYOR_RUNTIME_TEST_SECRET}" } };
    const checked = await conveyor.validate(s3JobWith(credential));
    expect(checked.valid).toBe(false);
    expect(checked.problems).toEqual([expect.objectContaining({ path: "credential.settings.secret_access_key", code: "settings.reference-disabled" })]);
    const fileCredential = { ...credential, settings: { ...credential.settings, secret_access_key: "${file:/etc/hostname}" } };
    const sent = conveyor.send({ job: s3JobWith(fileCredential), rows: customerRows(1), schema: customerSchema });
    await expect(sent).rejects.toMatchObject({ code: "settings.reference-disabled" });
    expect(await conveyor.runs.list()).toEqual([]);
  });

  it("refuses a reference in a setting that is not secret, whatever the host enables", async () => {
    const dir = await tempDir();
    for (const references of [{}, { env: { SECRET: "host-secret-value" }, file: true }]) {
      const conveyor = await createConveyor({ plugins: [localDirectory], references });
      const checked = await conveyor.validate(jobFor(dir, { prefix: "${env:SECRET}" }));
      expect(checked.problems).toEqual([expect.objectContaining({ path: "destination.settings.prefix", code: "settings.reference-not-allowed" })]);
      expect(JSON.stringify(checked)).not.toContain("host-secret-value");
    }
  });

  it("resolves a reference in a secret setting when the host enables it", async () => {
    const conveyor = await createConveyor({ plugins: awsPlugins, references: { env: { SECRET: "host-secret-value" } } });
    const credential = { plugin: "aws-access-key", settings: { access_key_id: "AKIAEXAMPLEEXAMPLE01", secret_access_key: "${env:SECRET}" } };
    const checked = await conveyor.validate(s3JobWith(credential));
    expect(checked.valid).toBe(true);
  });

  it("reads no input file unless the host names folders for inputs", async () => {
    const conveyor = await createConveyor({ plugins: [localDirectory] });
    const job = { ...jobFor(await tempDir()), input: { path: "/proc/self/environ", format: "csv" } };
    await expect(conveyor.send({ job })).rejects.toMatchObject({ code: "input.not-allowed" });
  });

  it("reads input files only inside the host's input roots", async () => {
    const dir = await tempDir();
    const inputs = join(dir, "inputs");
    const { mkdir } = await import("node:fs/promises");
    await mkdir(inputs);
    await writeFile(join(inputs, "people.csv"), "id,name\n1,Ada\n2,Grace\n");
    const conveyor = await createConveyor({ plugins: [localDirectory], inputRoots: [inputs] });
    const out = join(dir, "out");
    for (const path of ["/proc/self/environ", "../outside.csv", join(dir, "people.csv")]) {
      await expect(conveyor.send({ job: { ...jobFor(out), input: { path, format: "csv" } } })).rejects.toMatchObject({ code: "input.not-allowed" });
    }
    const run = await conveyor.send({ job: { ...jobFor(out), input: { path: "people.csv" } } });
    expect(run).toMatchObject({ status: "succeeded", report: { rows: 2 } });
    expect(run.origin.inputPath).toBe(join(inputs, "people.csv"));
  });
});

/** A credential with no policies, of kind `provides`, whose test says it was run. */
const fakeCredential = (id: string, provides: string) =>
  definePlugin({
    id,
    kind: "credential",
    version: "1.0.0",
    apiVersion: API_VERSION,
    displayName: id,
    description: "test credential",
    settings: z.object({}).strict(),
    provides,
    register: (c) => c.register<Credential>(implementationToken("credential", id), { useValue: { resolve: async () => ({ kind: provides }), test: async (): Promise<ConnectionCheck[]> => [{ name: "check", status: "ok", message: `${id} works` }] } }),
  });
const tokens = fakeCredential("tokens", "tokens");

/** A destination with an API credential and an AWS one for its staging bucket, as AMC has. */
const paired = definePlugin({
  id: "paired",
  kind: "destination",
  version: "1.0.0",
  apiVersion: API_VERSION,
  displayName: "Paired",
  description: "test destination",
  settings: z.object({ path_prefix: z.string() }).strict(),
  credentials: { api: { accepts: ["tokens"], required: true }, staging: { accepts: ["aws"] } },
  register: (c) => c.register<Destination>(implementationToken("destination", "paired"), { useValue: { test: async () => [], send: async () => ({ objects: [], rows: 0, bytes: 0 }) } }),
});

describe("a job with several credentials", () => {
  const platform = { platform_role_arn: "arn:aws:iam::123456789012:role/platform", external_id: "tenant-1-external-id", aws_access_key_id: "AKIAEXAMPLEEXAMPLE01", aws_secret_access_key: "s" };
  const staging = { plugin: "iam-role-to-role", settings: { target_role_arn: "arn:aws:iam::210987654321:role/exports", bucket: "exports-bucket" } };
  const job = (credentials: Record<string, unknown>) => ({ name: "paired", destination: { plugin: "paired", settings: { path_prefix: "tenant-7/amc/" } }, credentials });

  it("prints the policies of the credential that has them (the staging bucket's), scoped to the destination's prefix", async () => {
    const conveyor = await createConveyor({ plugins: [paired, tokens, ...awsCredentials, roleToRole], platform });
    const printed = await conveyor.credentialPolicies(job({ api: { plugin: "tokens" }, staging }));
    expect(printed).toMatchObject({ credential: "iam-role-to-role", prefix: "tenant-7/amc/" });
    expect(JSON.stringify(printed.permissionPolicy)).toContain("arn:aws:s3:::exports-bucket/tenant-7/amc/*");
    await expect(conveyor.credentialPolicies(job({ api: { plugin: "tokens" } }))).rejects.toMatchObject({ code: "credential.no-policies", message: 'credential plugin "tokens" has no policies to print' });
  });

  it("tests every credential, each check named by its role", async () => {
    const conveyor = await createConveyor({ plugins: [paired, tokens, fakeCredential("keys", "aws")] });
    expect(await conveyor.testCredential(job({ api: { plugin: "tokens" }, staging: { plugin: "keys" } }))).toEqual([
      { name: "api: check", status: "ok", message: "tokens works" },
      { name: "staging: check", status: "ok", message: "keys works" },
    ]);
    // One credential: its checks as they are.
    expect(await conveyor.testCredential(job({ api: { plugin: "tokens" } }))).toEqual([{ name: "check", status: "ok", message: "tokens works" }]);
  });
});
