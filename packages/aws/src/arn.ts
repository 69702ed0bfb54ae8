import { z } from "@conveyor/core";

/**
 * IAM naming rules for role assumption, checked before any network call so that a typo is a
 * settings error naming the field, not an AccessDenied from STS. Messages never echo the value
 * (an External ID is kept out of logs and errors).
 */

const PARTITIONS = ["aws", "aws-cn", "aws-us-gov"] as const;
export type AwsPartition = (typeof PARTITIONS)[number];

const NAME = /^[\w+=,.@-]{1,64}$/;
const PATH_CHARS = /^[\x21-\x7e]*$/;

export interface RoleArnParts {
  partition: AwsPartition;
  accountId: string;
  /** `/` or `/prod/` — IAM paths start and end with a slash. */
  path: string;
  name: string;
}

/** What is wrong with a role ARN, or undefined when it follows IAM's rules. */
export function roleArnProblem(arn: string): string | undefined {
  const match = /^arn:([^:]*):iam::([^:]*):role\/(.*)$/.exec(arn);
  if (!match) return "must be a role ARN: arn:aws:iam::<12-digit account>:role/<optional path/><name>";
  const [, partition, account, rest] = match as unknown as [string, string, string, string];
  if (!(PARTITIONS as readonly string[]).includes(partition)) return `has partition "${partition}"; allowed: ${PARTITIONS.join(", ")}`;
  if (!/^\d{12}$/.test(account)) return "must name a 12-digit AWS account id";
  return roleNameProblem(rest);
}

/** A role name with an optional path (`prod/exporter`): name 1–64 of letters, digits and `_+=,.@-`, path up to 512 characters. */
export function roleNameProblem(pathAndName: string): string | undefined {
  const slash = pathAndName.lastIndexOf("/");
  const name = pathAndName.slice(slash + 1);
  const path = slash < 0 ? "" : pathAndName.slice(0, slash + 1);
  if (!NAME.test(name)) return "role name must be 1–64 letters, digits or _+=,.@- (after an optional path/)";
  if (path.length > 512) return "role path must be at most 512 characters";
  if (path.startsWith("/") || path.includes("//") || !PATH_CHARS.test(path)) return "role path must be printable ASCII segments separated by single '/' (e.g. prod/exporter)";
  return undefined;
}

export function parseRoleArn(arn: string): RoleArnParts {
  const problem = roleArnProblem(arn);
  if (problem) throw new Error(`Invalid role ARN: ${problem}`);
  const [, partition, , , accountId, resource] = arn.split(":") as [string, AwsPartition, string, string, string, string];
  const rest = resource.slice("role/".length);
  const slash = rest.lastIndexOf("/");
  return { partition, accountId, path: slash < 0 ? "/" : `/${rest.slice(0, slash + 1)}`, name: rest.slice(slash + 1) };
}

export function roleArnOf(accountId: string, roleName: string, partition: AwsPartition = "aws"): string {
  return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}

/** External ID: 2–1224 characters, letters, digits and `_+=,.@:/-`, no spaces. */
export function externalIdProblem(value: string): string | undefined {
  if (value.length < 2 || value.length > 1224) return "must be 2–1224 characters";
  if (!/^[\w+=,.@:/-]+$/.test(value)) return "may contain only letters, digits and _ + = , . @ : / - (no spaces)";
  return undefined;
}

/** Role session name: 2–64 of letters, digits and `_+=,.@-`. */
export function sessionNameProblem(value: string): string | undefined {
  return /^[\w+=,.@-]{2,64}$/.test(value) ? undefined : "must be 2–64 letters, digits or _ + = , . @ -";
}

/** A session name made from free text (a run id): disallowed characters replaced, length clamped. */
export function sessionNameFrom(text: string, prefix = "conveyor"): string {
  return `${prefix}-${text}`.replace(/[^\w+=,.@-]/g, "-").slice(0, 64);
}

const refined = (check: (value: string) => string | undefined) =>
  z.string().superRefine((value, ctx) => {
    const problem = check(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

export const roleArnSchema = refined(roleArnProblem);
export const roleNameSchema = refined(roleNameProblem);
export const externalIdSchema = refined(externalIdProblem);
export const sessionNameSchema = refined(sessionNameProblem);
export const accountIdSchema = z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id");

/** For messages: enough of an External ID to recognise it, never all of it. */
export function maskExternalId(value: string): string {
  return value.length <= 8 ? "…" : `${value.slice(0, 4)}…(${value.length} characters)`;
}

/** The partition a region belongs to (cn-north-1 → aws-cn, us-gov-west-1 → aws-us-gov). */
export function partitionOfRegion(region: string): AwsPartition {
  return region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
}
