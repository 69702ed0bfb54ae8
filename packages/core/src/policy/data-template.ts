/**
 * Data templates: how a destination's output is named and shaped for a
 * send — file-name template, success-file and header overrides, campaign availability, access
 * switches and the output mapping — and how campaign sends are named.
 */
import { z } from "zod";
import { fileNumber } from "../pipeline/naming.js";
import { joinPath, type Problem } from "../settings/problems.js";
import { formatJoda } from "../template/joda-format.js";
import { defaultFileNameTemplate, FileNameTemplate, type TemplateValues } from "../template/file-name-template.js";
import { outputColumnSchema, outputColumnsProblems } from "./output-mapping.js";

/** A job's `campaign:`. A one-time campaign (`recurring: false`) gets its date in its file names. */
export const campaignSchema = z.strictObject({
  name: z.string().min(1),
  group: z.string().optional(),
  recurring: z.boolean().default(true),
});
export type Campaign = z.output<typeof campaignSchema>;

/** A job's `template:` (snake_case). Unset overrides fall back to the destination's settings. */
export const dataTemplateSchema = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  file_name: z.string().min(1).optional(),
  success_file: z.boolean().optional(),
  header: z.boolean().optional(),
  available_to_campaigns: z.boolean().default(false),
  allow_business_users: z.boolean().optional(),
  allow_restricted_pii: z.boolean().optional(),
  columns: z.array(outputColumnSchema).optional(),
});
export type DataTemplate = z.output<typeof dataTemplateSchema>;

/**
 * Problems of a parsed data template, under `path` (default `template`): its file-name template,
 * campaign availability (needs `{{ campaign_name }}` and/or `{{ group_name }}` in `file_name`,
 * so each campaign's files are told apart) and its output columns.
 */
export function dataTemplateProblems(template: DataTemplate, path = "template"): Problem[] {
  const fileNamePath = joinPath(path, "file_name");
  const problems: Problem[] = [];
  if (template.file_name !== undefined) problems.push(...FileNameTemplate.problems(template.file_name, fileNamePath));
  if (template.available_to_campaigns && problems.length === 0) {
    const parsed = template.file_name === undefined ? undefined : FileNameTemplate.parse(template.file_name, fileNamePath);
    if (!parsed?.uses("campaign_name") && !parsed?.uses("group_name")) {
      problems.push({
        path: fileNamePath,
        message:
          `available_to_campaigns requires the file name to use {{ campaign_name }} and/or {{ group_name }}` +
          `${template.file_name === undefined ? " (no file_name is set)" : ""}, e.g. "{{ campaign_name }}_{{ now|format:'yyyy_MM_dd' }}"`,
        severity: "error",
      });
    }
  }
  if (template.columns) problems.push(...outputColumnsProblems(template.columns, joinPath(path, "columns")));
  return problems;
}

export interface BaseFileName {
  /**
   * The rendered name `T` every object name derives from (no extension). When the template
   * uses `{{ file_number }}`, it is the name of file 1 (an unsplit output is file 1).
   */
  readonly baseName: string;
  /** The name of split part `n` (1-based): the template with `file_number = n`, or `T/0000001`. */
  partName(n: number): string;
}

/**
 * Names a send's output: renders the data template's `file_name` (default
 * `<jobName>_{{ now|format:'yyyy_MM_dd' }}`) with the campaign's name and group. A one-time
 * campaign's names end with `_yyyy_MM_dd` (UTC date of `now`). Throws what
 * {@link FileNameTemplate.parse} and `render` throw.
 */
export function baseFileName(options: { jobName: string; template?: DataTemplate; campaign?: Campaign; now: Date }): BaseFileName {
  const template = FileNameTemplate.parse(options.template?.file_name ?? defaultFileNameTemplate(options.jobName));
  const { campaign, now } = options;
  const suffix = campaign && !campaign.recurring ? `_${formatJoda(now, "yyyy_MM_dd")}` : "";
  const values: TemplateValues = {
    now,
    ...(campaign ? { campaign_name: campaign.name } : {}),
    ...(campaign?.group !== undefined ? { group_name: campaign.group } : {}),
  };
  const baseName = template.render(values) + suffix;
  return {
    baseName,
    partName: template.uses("file_number")
      ? (n) => template.render({ ...values, file_number: n }) + suffix
      : (n) => `${baseName}/${fileNumber(n)}`,
  };
}
