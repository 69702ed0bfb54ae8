/**
 * The permission model shared by the S3 front and STS: grants (what an identity may do on which
 * `bucket/key` resources) and trust (who may assume a role, with which External ID). Both can be
 * written in a short form or read from real IAM policy JSON, so the policies the credential
 * plugins print are exactly what the emulators enforce.
 */

export interface Grant {
  /** IAM actions, wildcards allowed: `s3:PutObject`, `s3:*`, `*`. */
  actions: string[];
  /** `bucket`, `bucket/prefix*`, `*`, or an `arn:aws:s3:::…` ARN of the same. */
  resource: string;
  /** Default `Allow`; a matching `Deny` wins over any allow, as in IAM. */
  effect?: "Allow" | "Deny";
}

export interface TrustPolicy {
  /** Principal ARNs allowed to assume the role; `*` for anyone, `arn:aws:iam::<acct>:root` for an account. */
  principals: string[];
  /** When set, AssumeRole must pass exactly this `ExternalId` (an `sts:ExternalId` StringEquals condition). */
  externalId?: string | string[];
}

export type PolicyDocument = { Version?: string; Statement: PolicyStatement | PolicyStatement[] } | string;

interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: "*" | { AWS: string | string[] };
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

function wildcardToRegExp(pattern: string): RegExp {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${source}$`, "i");
}

function matches(pattern: string, value: string, caseSensitive: boolean): boolean {
  const re = wildcardToRegExp(pattern);
  return caseSensitive ? new RegExp(re.source).test(value) : re.test(value);
}

const S3_ARN_PREFIX = "arn:aws:s3:::";

/** `arn:aws:s3:::b/k*` → `b/k*`; other strings unchanged. */
export function normalizeResource(resource: string): string {
  return resource.startsWith(S3_ARN_PREFIX) ? resource.slice(S3_ARN_PREFIX.length) : resource;
}

/** Whether `grants` allow `action` on `resource` (`bucket` or `bucket/key`): some allow and no deny. */
export function isAllowed(grants: readonly Grant[], action: string, resource: string): boolean {
  let allowed = false;
  for (const grant of grants) {
    const actionMatch = grant.actions.some((a) => matches(a, action, false));
    // Resource names are case-sensitive in S3; action names are not in IAM.
    if (!actionMatch || !matches(normalizeResource(grant.resource), resource, true)) continue;
    if (grant.effect === "Deny") return false;
    allowed = true;
  }
  return allowed;
}

function statements(doc: PolicyDocument): PolicyStatement[] {
  const parsed = typeof doc === "string" ? (JSON.parse(doc) as Exclude<PolicyDocument, string>) : doc;
  if (!parsed || typeof parsed !== "object" || !("Statement" in parsed)) {
    throw new Error("Policy document has no Statement");
  }
  return Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Grants from an IAM permission policy (`Action` + `Resource`, Allow or Deny). */
export function grantsFromPolicy(doc: PolicyDocument): Grant[] {
  return statements(doc).map((s, i) => {
    if (s.NotAction !== undefined || s.Condition !== undefined) {
      throw new Error(`Permission policy statement ${s.Sid ?? i}: NotAction and Condition are not supported by the emulator`);
    }
    const actions = list(s.Action);
    if (actions.length === 0) throw new Error(`Permission policy statement ${s.Sid ?? i} has no Action`);
    const resources = list(s.Resource);
    if (resources.length === 0) throw new Error(`Permission policy statement ${s.Sid ?? i} has no Resource`);
    return resources.map((resource) => ({ actions, resource: normalizeResource(resource), effect: s.Effect }));
  }).flat();
}

/** Trust from an IAM trust policy: Allow statements with `sts:AssumeRole` and an optional `sts:ExternalId` condition. */
export function trustFromPolicy(doc: PolicyDocument): TrustPolicy {
  const principals: string[] = [];
  const externalIds: string[] = [];
  let conditionless = false;
  for (const [i, s] of statements(doc).entries()) {
    if (s.Effect !== "Allow") throw new Error(`Trust policy statement ${s.Sid ?? i}: only Allow is supported`);
    if (!list(s.Action).some((a) => matches(a, "sts:AssumeRole", false))) continue;
    if (s.Principal === undefined) throw new Error(`Trust policy statement ${s.Sid ?? i} has no Principal`);
    principals.push(...(s.Principal === "*" ? ["*"] : list(s.Principal.AWS)));
    const conditions = Object.entries(s.Condition ?? {});
    for (const [operator, entries] of conditions) {
      for (const [key, value] of Object.entries(entries)) {
        if (operator !== "StringEquals" || key.toLowerCase() !== "sts:externalid") {
          throw new Error(`Trust policy condition ${operator} ${key} is not supported (only StringEquals sts:ExternalId)`);
        }
        externalIds.push(...list(value));
      }
    }
    if (conditions.length === 0) conditionless = true;
  }
  if (principals.length === 0) throw new Error("Trust policy allows sts:AssumeRole to no principal");
  // One statement without a condition makes the External ID optional, as IAM's OR of statements does.
  return conditionless || externalIds.length === 0 ? { principals } : { principals, externalId: externalIds };
}

/** Whether `callerArns` (the caller's own ARN and, for an assumed-role session, its role's ARN) are trusted. */
export function isTrusted(trust: TrustPolicy, callerArns: readonly string[], externalId: string | undefined): boolean {
  const principalOk = trust.principals.some((p) =>
    callerArns.some((arn) => {
      if (p === "*" || p === arn) return true;
      const account = /^arn:aws:iam::(\d{12}):root$/.exec(p)?.[1];
      return account !== undefined && arn.split(":")[4] === account;
    }),
  );
  if (!principalOk) return false;
  if (trust.externalId === undefined) return true;
  return externalId !== undefined && list(trust.externalId).includes(externalId);
}
