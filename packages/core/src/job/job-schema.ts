import { z } from "zod";
import { campaignSchema, dataTemplateSchema, principalSchema, segmentSchema } from "../policy/index.js";
import { DEFAULT_CREDENTIAL_ROLE } from "../plugin.js";
import { COLUMN_TYPES, PII_KINDS, type Schema } from "../schema.js";

export const INPUT_FORMATS = ["csv", "tsv", "ndjson", "jsonl", "parquet"] as const;

export const columnSchema = z
  .object({
    name: z.string().min(1),
    type: z.enum(COLUMN_TYPES).default("string"),
    nullable: z.boolean().default(true),
    pii: z.enum(PII_KINDS).optional(),
  })
  .strict();

const pluginRef = z
  .object({
    plugin: z.string().min(1),
    settings: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

/** A job file (YAML or JSON, snake_case keys): what to read, who sends it, where it goes. */
export const jobSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, "must be 1–128 letters, digits, '_', '.' or '-', starting with a letter or digit"),
    description: z.string().optional(),
    input: z
      .object({
        path: z.string().min(1),
        /** Default: from the file extension (`-` for stdin needs it, or is read as CSV). */
        format: z.enum(INPUT_FORMATS).optional(),
      })
      .strict()
      .optional(),
    schema: z.object({ columns: z.array(columnSchema).min(1) }).strict().optional(),
    principal: principalSchema.optional(),
    /** The destination's `default` credential: the one credential of most destinations. */
    credential: pluginRef.optional(),
    /** Credentials by the role the destination gives them (`api`, `staging`). */
    credentials: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, "must be a credential role: lowercase letters, digits and '_'"), pluginRef).optional(),
    destination: pluginRef,
    template: dataTemplateSchema.optional(),
    campaign: campaignSchema.optional(),
    segment: segmentSchema.optional(),
  })
  .strict();

export type Job = z.output<typeof jobSchema>;
export type PluginRef = Job["destination"];

/** A credential of a job, with the role it fills and where the job file names it. */
export interface JobCredential {
  role: string;
  /** `credential` or `credentials.<role>`. */
  path: string;
  ref: PluginRef;
}

/** The job's credentials: `credential:` as the `default` role, then those under `credentials:`. */
export function jobCredentials(job: Pick<Job, "credential" | "credentials">): JobCredential[] {
  return [
    ...(job.credential ? [{ role: DEFAULT_CREDENTIAL_ROLE, path: "credential", ref: job.credential }] : []),
    ...Object.entries(job.credentials ?? {}).map(([role, ref]) => ({ role, path: `credentials.${role}`, ref })),
  ];
}

/** Where a job names the credential of `role`. */
export function credentialPath(role: string): string {
  return role === DEFAULT_CREDENTIAL_ROLE ? "credential" : `credentials.${role}`;
}

export function jobColumnsSchema(job: Job): Schema | undefined {
  return job.schema ? { columns: job.schema.columns } : undefined;
}
