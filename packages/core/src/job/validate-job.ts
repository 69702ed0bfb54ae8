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
 * exist, their settings (with save-time warnings), the data template and file-name template.
 */
export async function validateJob(host: PluginHost, raw: unknown, environment: ReferenceEnvironment = {}): Promise<JobValidation> {
  const parsed = jobSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) return { problems: problemsFromZod(parsed.error) };
  const job = parsed.data;
  const problems: Problem[] = [];
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
