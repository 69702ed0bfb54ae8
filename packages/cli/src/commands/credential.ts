import { Command } from "commander";
import { line } from "../io.js";
import { loadJob, requireValid, type CommandContext } from "../job-context.js";
import { failedCheck, printConnectionChecks } from "./validate.js";

function policyCommand(ctx: CommandContext): Command {
  const { io, globals, exit } = ctx;
  return new Command("policy")
    .description("print the trust policy the customer's role needs (platform role ARN and External ID filled in) and the least-privilege permission policy for the job's bucket and prefix")
    .argument("<job>", "job file (YAML or JSON)")
    .option("--json", "one JSON line")
    .action(async (jobPath: string, options: { json?: boolean }) => {
      const { conveyor, job } = requireValid(await loadJob(ctx, jobPath));
      const policies = await conveyor.credentialPolicies(job).finally(() => conveyor.close());
      // Deliberately not passed through the secret registry: the customer must paste the External ID.
      if (options.json || globals().json) {
        line(io.stdout, JSON.stringify({ credential: policies.credential, trust_policy: policies.trustPolicy ?? null, permission_policy: policies.permissionPolicy, notes: policies.notes }));
      } else {
        if (policies.trustPolicy) {
          line(io.stdout, "Trust policy (the role's trust relationships):");
          line(io.stdout, JSON.stringify(policies.trustPolicy, null, 2));
          line(io.stdout);
        }
        line(io.stdout, `Permission policy (least privilege for ${policies.prefix ? `prefix "${policies.prefix}"` : "the whole bucket"}):`);
        line(io.stdout, JSON.stringify(policies.permissionPolicy, null, 2));
        for (const note of policies.notes) line(io.stdout, `\n- ${note}`);
      }
      exit(0);
    });
}

function credentialTestCommand(ctx: CommandContext): Command {
  return new Command("test")
    .description("run the job's credential's own connection test (role hops, External ID enforcement, bucket probe)")
    .argument("<job>", "job file (YAML or JSON)")
    .option("--json", "one JSON line")
    .action(async (jobPath: string, options: { json?: boolean }) => {
      const { conveyor, job } = requireValid(await loadJob(ctx, jobPath));
      const checks = await conveyor.testCredential(job).catch(failedCheck("credential")).finally(() => conveyor.close());
      printConnectionChecks(ctx, checks, options.json);
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
