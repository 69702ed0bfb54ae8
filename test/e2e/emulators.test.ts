import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ListBucketsCommand } from "@aws-sdk/client-s3";
import { emulatorAdminClient, type EmulatorsInfo } from "@conveyor/testkit";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { conveyor, finished, firstLine, start, workspace } from "../src/cli-process.js";

/** s3rver processes still running whose parent is `pid`. */
function childrenOf(pid: number): string[] {
  const out = execFileSync("ps", ["-o", "pid=,ppid=,args=", "-A"], { encoding: "utf8" });
  return out.split("\n").filter((l) => l.trim().split(/\s+/)[1] === String(pid));
}

describe("conveyor emulators", () => {
  it("prints its endpoints as one JSON line, serves S3, writes the config, and leaves nothing behind on SIGTERM", async () => {
    const cwd = await workspace({});
    const child = start(["emulators", "--json", "--write-config", "conveyor.config.yaml"], { cwd });
    const info = JSON.parse(await firstLine(child)) as EmulatorsInfo;
    for (const key of ["s3_endpoint", "sts_endpoint", "region", "bucket", "platform_role_arn", "customer_role_arn", "external_id", "access_key_id", "secret_access_key", "admin_access_key_id", "admin_secret_access_key", "data_dir"] as const) {
      expect(info[key], key).toEqual(expect.any(String));
    }
    const admin = emulatorAdminClient(info);
    const buckets = await admin.send(new ListBucketsCommand({}));
    expect(buckets.Buckets?.map((b) => b.Name)).toContain(info.bucket);
    const config = parse(await readFile(join(cwd, "conveyor.config.yaml"), "utf8")) as { platform: Record<string, unknown> };
    expect(config.platform).toMatchObject({ platform_role_arn: info.platform_role_arn, external_id: info.external_id, sts_endpoint: info.sts_endpoint, s3_endpoint: info.s3_endpoint });
    expect(childrenOf(child.pid!).length).toBeGreaterThan(0);

    child.kill("SIGTERM");
    const end = await finished(child);
    expect(end.code).toBe(0);
    expect(childrenOf(child.pid!)).toEqual([]);
  });
});

describe("conveyor demo", () => {
  it("runs three exports through iam-role-to-role and an AMC upload on the embedded emulators, and verifies each", async () => {
    const cwd = await workspace({});
    const result = await conveyor(["demo"], { cwd, timeoutMs: 60_000 });
    expect(result.stderr).not.toMatch(/error|Warning/);
    expect(result.code).toBe(0);
    for (const title of ["CSV + gzip + PGP, with a success file", "Parquet in a tgz", "TSV split into 3 files"]) {
      expect(result.stdout).toMatch(new RegExp(`${title.replace(/[+]/g, "\\+")} +ok +50,000 of 50,000 rows read back`));
    }
    expect(result.stdout).toMatch(/AMC: hashed-PII dataset upload +ok +AMC upload \S+ COMPLETED: OutputRowCount 50,000 of 50,000 rows/);
    expect(result.stdout).toMatch(/customers_csv_\d{4}_\d{2}_\d{2}\.csv\.gz\.pgp/);
    expect(result.stdout).toMatch(/customers_csv_\d{4}_\d{2}_\d{2}\.DONE/);
    expect(result.stdout).toMatch(/customers_tsv_\d{4}_\d{2}_\d{2}\/0000003\.tsv/);
    expect(result.stdout).toContain(`The emulator keeps the objects in ${join(cwd, ".conveyor", "demo-s3")}`);
  });
});
