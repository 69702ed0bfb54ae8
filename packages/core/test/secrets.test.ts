import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, resolveReferences, SecretRegistry } from "../src/index.js";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({ write(chunk: Buffer, _e, cb) { lines.push(chunk.toString()); cb(); } });
  return { lines, destination };
}

describe("secrets in logs", () => {
  it("hides secret keys at any depth and scrubs registered secret values from messages", () => {
    const secrets = new SecretRegistry();
    secrets.add("AKIDEXAMPLE-SECRET-1234");
    const out = capture();
    const logger = createLogger({ level: "info", secrets, secretKeys: ["external_id"], destination: out.destination });
    logger.info({ settings: { bucket: "b", external_id: "ext-123456", nested: { secret_access_key: "abc" } } }, "using AKIDEXAMPLE-SECRET-1234 now");
    const line = out.lines.join("");
    expect(line).toContain('"bucket":"b"');
    expect(line).not.toContain("ext-123456");
    expect(line).not.toContain('"abc"');
    expect(line).not.toContain("AKIDEXAMPLE-SECRET-1234");
    expect(line).toContain("using [REDACTED] now");
  });
});

describe("value references", () => {
  it("resolves ${env:} and ${file:} inside strings when the host enables them, and remembers the values as secrets", async () => {
    const { mkdtemp, writeFile } = await import("node:fs/promises");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const dir = await mkdtemp(join(tmpdir(), "conveyor-ref-"));
    await writeFile(join(dir, "key.txt"), "file-secret-value\n");
    const secrets = new SecretRegistry();
    const { value, problems } = resolveReferences(
      { a: "${env:REF_A}", b: ["x-${env:REF_A}-y"], c: "${file:key.txt}", n: 3 },
      { env: { REF_A: "env-secret-value" }, files: { baseDir: dir }, secrets },
    );
    expect(problems).toEqual([]);
    expect(value).toEqual({ a: "env-secret-value", b: ["x-env-secret-value-y"], c: "file-secret-value", n: 3 });
    expect(secrets.redact("env-secret-value / file-secret-value")).toBe("[REDACTED] / [REDACTED]");
  });

  it("names the missing reference and its path, never a value", () => {
    const { problems } = resolveReferences({ s: { key: "${env:MISSING_ONE}" }, f: "${file:/no/such/file}" }, { env: {}, files: { baseDir: "/" } }, "credential.settings");
    expect(problems.map(({ path, message }) => ({ path, message }))).toEqual([
      { path: "credential.settings.s.key", message: "refers to environment variable MISSING_ONE, which is not set" },
      { path: "credential.settings.f", message: "refers to file /no/such/file, which cannot be read" },
    ]);
  });

  it("refuses both kinds unless the host enables them, leaving the text unresolved", () => {
    const { value, problems } = resolveReferences({ key: "${env:HOME}", pem: "${file:/etc/passwd}" }, {}, "credential.settings");
    expect(value).toEqual({ key: "${env:HOME}", pem: "${file:/etc/passwd}" });
    expect(problems.map((p) => [p.path, p.code])).toEqual([
      ["credential.settings.key", "settings.reference-disabled"],
      ["credential.settings.pem", "settings.reference-disabled"],
    ]);
    expect(problems[0]!.message).toContain("does not allow ${env:} references");
  });

  it("resolves only in the allowed (secret) settings and refuses a reference anywhere else", () => {
    const env = { AWS_SECRET_ACCESS_KEY: "host-secret-value" };
    const { value, problems } = resolveReferences(
      { prefix: "${env:AWS_SECRET_ACCESS_KEY}", secret_access_key: "${env:AWS_SECRET_ACCESS_KEY}" },
      { env },
      "destination.settings",
      { allowedPaths: ["secret_access_key"] },
    );
    expect(value).toEqual({ prefix: "${env:AWS_SECRET_ACCESS_KEY}", secret_access_key: "host-secret-value" });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: "destination.settings.prefix", code: "settings.reference-not-allowed" });
    expect(problems[0]!.message).toContain("only in secret settings (secret_access_key)");
    expect(JSON.stringify(problems)).not.toContain("host-secret-value");
  });
});
