import type { PluginHost } from "../host/plugin-host.js";
import { ConnectorError } from "../errors.js";
import { dataTemplateProblems } from "../policy/index.js";
import { problemsFromZod, type Problem } from "../settings/problems.js";
import type { ReferenceEnvironment } from "../settings/references.js";
import { jobSchema, type Job } from "./job-schema.js";

export interface JobValidation {
  /** Present when the job has no errors (it may have warnings). */
  job?: Job;
  problems: Problem[];
}

/**
 * Everything `conveyor validate` checks, collected at once: the job's shape, that its plugins
 * exist, their settings (with save-time warnings) and the platform settings for them, that the
 * credential is of a kind the destination accepts, the data template and file-name template —
 * and, as warnings, platform settings no loaded plugin takes.
 */
export async function validateJob(host: PluginHost, raw: unknown, environment: ReferenceEnvironment = {}): Promise<JobValidation> {
  const parsed = jobSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) return { problems: problemsFromZod(parsed.error) };
  const job = parsed.data;
  const problems: Problem[] = host.platformProblems();
  const plugins: Array<["credential" | "destination", Job["destination"] | undefined]> = [
    ["credential", job.credential],
    ["destination", job.destination],
  ];
  for (const [kind, ref] of plugins) {
    if (!ref) continue;
    try {
      problems.push(...(await host.validate(kind, ref.plugin, ref.settings, `${kind}.settings`, environment)));
    } catch (error) {
      if (!ConnectorError.is(error) || error.code !== "plugin.unknown") throw error;
      problems.push({ path: `${kind}.plugin`, message: error.message, severity: "error" });
    }
  }
  problems.push(...credentialKindProblems(host, job));
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
 * The job's credential against the kinds its destination accepts: it must provide one of them,
 * a destination that accepts none takes no credential, and one that requires a credential is
 * refused without. Plugins that are not loaded are reported elsewhere.
 */
export function credentialKindProblems(host: PluginHost, job: Job): Problem[] {
  const destination = host.find("destination", job.destination.plugin);
  if (!destination) return [];
  const accepts = destination.accepts ?? [];
  const name = `the ${destination.id} destination`;
  const offered = `${accepts.join(" or ")} (loaded: ${providersOf(host, accepts)})`;
  if (!job.credential) {
    if (!destination.requiresCredential) return [];
    return [{ path: "credential", severity: "error", message: `${name} needs a credential of kind ${offered}: add credential: { plugin: <id>, settings: {…} }` }];
  }
  const credential = host.find("credential", job.credential.plugin);
  if (!credential) return [];
  if (accepts.length === 0) {
    return [{ path: "credential.plugin", severity: "error", message: `${name} takes no credential; remove the job's credential` }];
  }
  if (credential.provides !== undefined && accepts.includes(credential.provides)) return [];
  const provides = credential.provides === undefined ? "declares no kind it provides" : `provides ${credential.provides}`;
  return [{ path: "credential.plugin", severity: "error", message: `"${credential.id}" ${provides}; ${name} accepts ${offered}` }];
}

function providersOf(host: PluginHost, kinds: readonly string[]): string {
  const ids = host.list("credential").filter((p) => p.plugin.provides !== undefined && kinds.includes(p.plugin.provides)).map((p) => p.plugin.id);
  return ids.length ? ids.join(", ") : "none";
}
