import { join } from "node:path";
import { roleFromPolicies, startEmulators, writeConveyorConfig, type RunningEmulators } from "@conveyor/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { conveyor, EXAMPLE_PLUGIN, workspace } from "./run-cli.js";

/** Loaded by path (their dist/), like any plugin package; discovery also finds them as CLI dependencies. */
const PLUGINS_DIR = join(EXAMPLE_PLUGIN, "../../plugins");
const plugins = ["--plugin", EXAMPLE_PLUGIN, "--plugin", join(PLUGINS_DIR, "credential-iam-role-to-role"), "--plugin", join(PLUGINS_DIR, "destination-amazon-s3")];

let emulators: RunningEmulators;
beforeAll(async () => {
  emulators = await startEmulators({ externalId: "tenant-7:ExternalId/0123456789abcdef" });
});
afterAll(() => emulators?.close());

const job = (targetRoleArn: string, credentialExtra = "") => `name: exports
credential:
  plugin: iam-role-to-role
  settings: { target_role_arn: "${targetRoleArn}", bucket: ${emulators.info.bucket}${credentialExtra} }
destination:
  plugin: amazon-s3
  settings: { prefix: tenant-x/ }
`;

async function project(jobText: string): Promise<string> {
  const cwd = await workspace({ "job.yaml": jobText });
  await writeConveyorConfig(join(cwd, "conveyor.config.yaml"), emulators.info);
  return cwd;
}

interface PrintedPolicies {
  credential: string;
  trust_policy: { Statement: Array<{ Principal: { AWS: string }; Condition: { StringEquals: Record<string, string> } }> };
  permission_policy: { Statement: Array<{ Action: string[]; Resource: string }> };
  notes: string[];
}

describe("conveyor credential policy", () => {
  it("prints the trust policy with the real platform role and External ID, and least privilege for the destination's prefix", async () => {
    const cwd = await project(job(emulators.info.customer_role_arn));
    const result = await conveyor([...plugins, "credential", "policy", "job.yaml", "--json"], { cwd });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as PrintedPolicies;
    expect(printed.credential).toBe("iam-role-to-role");
    expect(printed.trust_policy.Statement[0]!.Principal.AWS).toBe(emulators.info.platform_role_arn);
    expect(printed.trust_policy.Statement[0]!.Condition.StringEquals["sts:ExternalId"]).toBe(emulators.info.external_id);
    expect(printed.permission_policy.Statement[0]).toEqual(expect.objectContaining({
      Action: ["s3:PutObject", "s3:AbortMultipartUpload", "s3:PutObjectTagging", "s3:DeleteObject"],
      Resource: "arn:aws:s3:::conveyor-exports/tenant-x/*",
    }));

    const text = await conveyor([...plugins, "credential", "policy", "job.yaml"], { cwd });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("Trust policy (the role's trust relationships):\n{");
    expect(text.stdout).toContain('Permission policy (least privilege for prefix "tenant-x/"):');
  });

  it("prints policies the emulator accepts: a role built from them passes the credential's test", async () => {
    const printed = JSON.parse((await conveyor([...plugins, "credential", "policy", "job.yaml", "--json"], { cwd: await project(job(emulators.info.customer_role_arn)) })).stdout) as PrintedPolicies;
    const arn = "arn:aws:iam::210987654321:role/built-from-printed-policies";
    emulators.identities.addRole(roleFromPolicies({ arn, trustPolicy: printed.trust_policy as never, permissionPolicies: [printed.permission_policy as never] }));
    const cwd = await project(job(arn, ", probe_prefix: tenant-x/"));
    const result = await conveyor([...plugins, "credential", "test", "job.yaml", "--json"], { cwd });
    expect(result.code).toBe(0);
    const { checks } = JSON.parse(result.stdout) as { checks: Array<{ name: string; status: string }> };
    expect(checks.map((c) => [c.name, c.status])).toEqual([
      ["platform role", "ok"], ["target role", "ok"], ["external id required", "ok"], ["bucket write", "ok"], ["probe cleanup", "ok"],
    ]);
  });

  it("scopes an AMC job's grant to its staging path_prefix, not the whole bucket", async () => {
    const amcJob = `name: amc_upload
credentials:
  api:
    plugin: login-with-amazon
    settings: { client_id: amzn1.application-oa2-client.abc, client_secret: secret-value, refresh_token: refresh-value }
  staging:
    plugin: iam-role-to-role
    settings: { target_role_arn: "${emulators.info.customer_role_arn}", bucket: ${emulators.info.bucket} }
destination:
  plugin: amazon-marketing-cloud
  settings: { amc_instance_id: amc1, dataset_id: d_one, path_prefix: tenant-7/amc/ }
`;
    const result = await conveyor([...plugins, "credential", "policy", "job.yaml", "--json"], { cwd: await project(amcJob) });
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as PrintedPolicies;
    expect(printed.permission_policy.Statement[0]!.Resource).toBe("arn:aws:s3:::conveyor-exports/tenant-7/amc/*");
  });

  it("refuses a job without a credential with exit 2", async () => {
    const cwd = await project("name: exports\ndestination:\n  plugin: local-directory\n  settings: { directory: ./out }\n");
    const result = await conveyor([...plugins, "credential", "policy", "job.yaml"], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error [credential.missing]");
  });
});

describe("conveyor credential test", () => {
  it("reports a refused role as Invalid credentials (exit 3) without any secret in its --json or text output", async () => {
    const cwd = await project(job("arn:aws:iam::210987654321:role/not-there"));
    const json = await conveyor([...plugins, "credential", "test", "job.yaml", "--json"], { cwd });
    expect(json.code).toBe(3);
    const { checks } = JSON.parse(json.stdout) as { checks: Array<{ name: string; status: string; error?: { code: string } }> };
    expect(checks.at(-1)).toMatchObject({ name: "target role", status: "failed", error: { code: "credentials.invalid" } });
    const text = await conveyor([...plugins, "credential", "test", "job.yaml"], { cwd });
    expect(text.stdout).toContain("Invalid credentials");
    for (const output of [json.stdout, json.stderr, text.stdout, text.stderr]) {
      expect(output).not.toContain(emulators.info.secret_access_key);
      expect(output).not.toContain(emulators.info.external_id);
    }
  });
});
