import type { PluginHost } from "../host/plugin-host.js";
import { ConnectorError } from "../errors.js";
import { dataTemplateProblems } from "../policy/index.js";
import { problemsFromZod, type Problem } from "../settings/problems.js";
import type { ReferenceEnvironment } from "../settings/references.js";
import { DEFAULT_CREDENTIAL_ROLE, type ConnectorPlugin, type CredentialRole } from "../plugin.js";
import { credentialPath, jobCredentials, jobSchema, type Job, type PluginRef } from "./job-schema.js";

export interface JobValidation {
  /** Present when the job has no errors (it may have warnings). */
  job?: Job;
  problems: Problem[];
}

/**
 * Everything `conveyor validate` checks, collected at once: the job's shape, that its plugins
 * exist, their settings (with save-time warnings) and the platform settings for them, that each
 * credential fills a role the destination has with a kind it accepts there, the data template and file-name template —
 * and, as warnings, platform settings no loaded plugin takes.
 */
export async function validateJob(host: PluginHost, raw: unknown, environment: ReferenceEnvironment = {}): Promise<JobValidation> {
  const parsed = jobSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) return { problems: problemsFromZod(parsed.error) };
  const job = parsed.data;
  const problems: Problem[] = host.platformProblems();
  const plugins: Array<["credential" | "destination", string, PluginRef]> = [
    ...jobCredentials(job).map(({ path, ref }): ["credential", string, PluginRef] => ["credential", path, ref]),
    ["destination", "destination", job.destination],
  ];
  for (const [kind, path, ref] of plugins) {
    try {
      problems.push(...(await host.validate(kind, ref.plugin, ref.settings, `${path}.settings`, environment)));
    } catch (error) {
      if (!ConnectorError.is(error) || error.code !== "plugin.unknown") throw error;
      problems.push({ path: `${path}.plugin`, message: error.message, severity: "error" });
    }
  }
  problems.push(...credentialProblems(host, job));
  if (job.template) problems.push(...dataTemplateProblems(job.template, "template"));
  if (job.campaign && !job.template?.available_to_campaigns) {
    problems.push({
      path: "campaign",
      message: "campaign results can only be sent through a data template that is available to campaigns; set template.available_to_campaigns: true",
      severity: "error",
    });
  }
  const names = new Set<string>();
  job.schema?.columns.forEach((c, i) => {
    if (names.has(c.name.toLowerCase())) {
      problems.push({ path: `schema.columns.${i}.name`, message: `duplicate column name "${c.name}"`, severity: "error" });
    }
    names.add(c.name.toLowerCase());
  });
  return problems.some((p) => p.severity === "error") ? { problems } : { job, problems };
}

/**
 * The job's credentials against the roles its destination declares: each fills a role the
 * destination has, with a credential of a kind it accepts there, and every required role is
 * filled. Plugins that are not loaded are reported elsewhere.
 */
export function credentialProblems(host: PluginHost, job: Job): Problem[] {
  const problems: Problem[] = [];
  if (job.credential && job.credentials?.[DEFAULT_CREDENTIAL_ROLE]) {
    problems.push({ path: `credentials.${DEFAULT_CREDENTIAL_ROLE}`, severity: "error", message: "is the job's credential: as well; give it once" });
  }
  const destination = host.find("destination", job.destination.plugin);
  if (!destination) return problems;
  const roles: Readonly<Record<string, CredentialRole>> = destination.credentials ?? {};
  const given = jobCredentials(job);
  for (const { role, path, ref } of given) {
    const declared = roles[role];
    if (!declared) {
      problems.push({ path: `${path}.plugin`, severity: "error", message: unknownRole(destination, role) });
      continue;
    }
    const credential = host.find("credential", ref.plugin);
    if (!credential || (credential.provides !== undefined && declared.accepts.includes(credential.provides))) continue;
    const provides = credential.provides === undefined ? "declares no kind it provides" : `provides ${credential.provides}`;
    problems.push({ path: `${path}.plugin`, severity: "error", message: `"${credential.id}" ${provides}; ${roleName(destination, role)} accepts ${offered(host, declared)}` });
  }
  for (const [role, declared] of Object.entries(roles)) {
    if (!declared.required || given.some((g) => g.role === role)) continue;
    problems.push({
      path: credentialPath(role),
      severity: "error",
      message: `${roleName(destination, role)} needs a credential of kind ${offered(host, declared)}: add ${credentialPath(role)}: { plugin: <id>, settings: {…} }`,
    });
  }
  return problems;
}

/** "the s3 destination", or "the amc destination's api credential" for a named role. */
function roleName(destination: ConnectorPlugin, role: string): string {
  return role === DEFAULT_CREDENTIAL_ROLE ? `the ${destination.id} destination` : `the ${destination.id} destination's ${role} credential`;
}

function unknownRole(destination: ConnectorPlugin, role: string): string {
  const roles = Object.entries(destination.credentials ?? {});
  if (roles.length === 0) return `the ${destination.id} destination takes no credential; remove the job's credential`;
  const named = roles.map(([r, d]) => `${credentialPath(r)} (${d.accepts.join(" or ")})`).join(", ");
  const what = role === DEFAULT_CREDENTIAL_ROLE ? "default credential" : `credential "${role}"`;
  return `the ${destination.id} destination takes no ${what}; it takes ${named}`;
}

function offered(host: PluginHost, role: CredentialRole): string {
  const ids = host.list("credential").filter((p) => p.plugin.provides !== undefined && role.accepts.includes(p.plugin.provides)).map((p) => p.plugin.id);
  return `${role.accepts.join(" or ")} (loaded: ${ids.length ? ids.join(", ") : "none"})`;
}
