import { dirname, resolve } from "node:path";
import { Command } from "commander";
import {
  asConnectorError,
  createRunContext,
  EXIT_CODES,
  invalidInput,
  type ConnectionCheck,
  type Credential,
  type Job,
  type PluginContext,
} from "@conveyor/core";
import { line } from "../io.js";
import { loadJob, requireValid, type CommandContext, type LoadedJob } from "../job-context.js";
import { printChecks } from "../report.js";

/**
 * What a credential plugin may offer for `conveyor credential policy`: the IAM policies to attach
 * for the job's bucket and prefix. Optional and found by duck typing, so the CLI names no plugin
 * (the AWS credentials implement it; see @conveyor/aws `PolicyProvider`).
 */
interface PolicyCapable {
  policies(
    request: { bucket?: string; prefix?: string },
    context: PluginContext,
  ): Promise<{ trustPolicy?: unknown; permissionPolicy: unknown; notes?: string[] }>;
}

const hasPolicies = (value: unknown): value is PolicyCapable => typeof (value as Partial<PolicyCapable> | undefined)?.policies === "function";

/** The job's credential, created by the host with its settings and the platform's. */
async function jobCredential(ctx: CommandContext, loaded: LoadedJob, job: Job, jobPath: string, runId: string) {
  if (!job.credential) throw invalidInput("credential.missing", `${jobPath} has no credential section: add \`credential: { plugin: <id>, settings: {…} }\``);
  const container = loaded.host.createRunContainer(runId);
  const credential = await loaded.host.create<Credential>("credential", job.credential.plugin, job.credential.settings, {
    parent: container,
    path: "credential.settings",
    environment: { env: ctx.io.env, baseDir: dirname(resolve(ctx.io.cwd, jobPath)) },
  });
  return { credential, plugin: job.credential.plugin, context: createRunContext(loaded.host, { runId, container }) };
}

const stringSetting = (settings: Record<string, unknown>, key: string) => (typeof settings[key] === "string" ? (settings[key] as string) : undefined);

function policyCommand(ctx: CommandContext): Command {
  const { io, globals, exit } = ctx;
  return new Command("policy")
    .description("print the trust policy the customer's role needs (platform role ARN and External ID filled in) and the least-privilege permission policy for the job's bucket and prefix")
    .argument("<job>", "job file (YAML or JSON)")
    .option("--json", "one JSON line")
    .action(async (jobPath: string, options: { json?: boolean }) => {
      const loaded = await loadJob(ctx, jobPath);
      const job = requireValid(loaded);
      const { credential, plugin, context } = await jobCredential(ctx, loaded, job, jobPath, "credential-policy");
      if (!hasPolicies(credential)) throw invalidInput("credential.no-policies", `credential plugin "${plugin}" has no policies to print`);
      const destination = job.destination.settings;
      const bucket = stringSetting(destination, "bucket");
      // The destination's prefix scopes the grant; without one the grant is the whole bucket.
      const prefix = stringSetting(destination, "prefix") ?? "";
      const policies = await credential.policies({ ...(bucket ? { bucket } : {}), prefix }, context);
      // Deliberately not passed through the secret registry: the customer must paste the External ID.
      if (options.json || globals().json) {
        line(io.stdout, JSON.stringify({ credential: plugin, trust_policy: policies.trustPolicy ?? null, permission_policy: policies.permissionPolicy, notes: policies.notes ?? [] }));
      } else {
        if (policies.trustPolicy) {
          line(io.stdout, "Trust policy (the role's trust relationships):");
          line(io.stdout, JSON.stringify(policies.trustPolicy, null, 2));
          line(io.stdout);
        }
        line(io.stdout, `Permission policy (least privilege for ${prefix ? `prefix "${prefix}"` : "the whole bucket"}):`);
        line(io.stdout, JSON.stringify(policies.permissionPolicy, null, 2));
        for (const note of policies.notes ?? []) line(io.stdout, `\n- ${note}`);
      }
      exit(0);
    });
}

function credentialTestCommand(ctx: CommandContext): Command {
  const { io, globals, exit } = ctx;
  return new Command("test")
    .description("run the job's credential's own connection test (role hops, External ID enforcement, bucket probe)")
    .argument("<job>", "job file (YAML or JSON)")
    .option("--json", "one JSON line")
    .action(async (jobPath: string, options: { json?: boolean }) => {
      const loaded = await loadJob(ctx, jobPath);
      const job = requireValid(loaded);
      const { credential, context } = await jobCredential(ctx, loaded, job, jobPath, "credential-test");
      const checks: ConnectionCheck[] = await credential.test(context).catch((error: unknown) => {
        const e = asConnectorError(error);
        return [{ name: "credential", status: "failed" as const, message: e.message, error: e.toJSON() }];
      });
      const redacted = loaded.host.secrets.redactDeep(checks);
      if (options.json || globals().json) line(io.stdout, JSON.stringify({ checks: redacted }));
      else printChecks(io, redacted);
      const failed = redacted.find((c) => c.status === "failed");
      exit(failed ? EXIT_CODES[failed.error?.category ?? "needs-person"] : 0);
    });
}

/** `conveyor credential policy <job>` and `conveyor credential test <job>`. */
export function credentialCommand(ctx: CommandContext): Command {
  const output = { writeOut: (s: string) => ctx.io.stdout.write(s), writeErr: (s: string) => ctx.io.stderr.write(s) };
  const command = new Command("credential").description("the job's credential: the IAM policies to attach, and its own connection test");
  // Subcommands added this way do not inherit the parent's exit override and output streams.
  for (const sub of [policyCommand(ctx), credentialTestCommand(ctx)]) command.addCommand(sub.exitOverride().configureOutput(output));
  return command;
}
