import { randomBytes } from "node:crypto";
import { createClock, type EmulatorClock } from "./clock.js";
import { grantsFromPolicy, trustFromPolicy, type Grant, type PolicyDocument, type TrustPolicy } from "./policy.js";

export const DEFAULT_ACCOUNT_ID = "123456789012";

export interface UserDefinition {
  accessKeyId: string;
  secretAccessKey: string;
  /** Default `arn:aws:iam::<account>:user/<accessKeyId>`. */
  arn?: string;
  grants?: Grant[];
}

export interface RoleDefinition {
  /** `arn:aws:iam::<12 digits>:role/<path/>name`. */
  arn: string;
  trust: TrustPolicy;
  grants?: Grant[];
  /** Longest session AssumeRole may grant (IAM's MaxSessionDuration). Default 43200 (12 h). */
  maxSessionDurationSeconds?: number;
}

/** Whoever signed a request: a static key, or a session issued by the STS emulator. */
export interface Identity {
  kind: "user" | "assumed-role";
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** `arn:aws:iam::…:user/…` or `arn:aws:sts::…:assumed-role/<role>/<session>`. */
  arn: string;
  /** For sessions: the assumed role's ARN. */
  roleArn?: string;
  /** For sessions: expiry in emulator-clock milliseconds. */
  expiresAt?: number;
  grants: Grant[];
}

export interface Role extends RoleDefinition {
  grants: Grant[];
  maxSessionDurationSeconds: number;
}

const randomKey = (prefix: string) =>
  prefix + Array.from(randomBytes(16), (b) => "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[b % 32]).join("");

/** Builds a role from real IAM policy JSON: a trust policy and any number of permission policies. */
export function roleFromPolicies(options: {
  arn: string;
  trustPolicy: PolicyDocument;
  permissionPolicies?: PolicyDocument[];
  maxSessionDurationSeconds?: number;
}): RoleDefinition {
  return {
    arn: options.arn,
    trust: trustFromPolicy(options.trustPolicy),
    grants: (options.permissionPolicies ?? []).flatMap(grantsFromPolicy),
    ...(options.maxSessionDurationSeconds === undefined ? {} : { maxSessionDurationSeconds: options.maxSessionDurationSeconds }),
  };
}

/**
 * Static users, roles and issued sessions, shared by the S3 front (which resolves access keys)
 * and the STS emulator (which issues sessions). Pass the same instance to both.
 */
export class IdentityStore {
  readonly clock: EmulatorClock;
  readonly accountId: string;
  private readonly byAccessKey = new Map<string, Identity>();
  private readonly roles = new Map<string, Role>();

  constructor(options: { clock?: EmulatorClock; accountId?: string } = {}) {
    this.clock = options.clock ?? createClock();
    this.accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
  }

  addUser(user: UserDefinition): Identity {
    const identity: Identity = {
      kind: "user",
      accessKeyId: user.accessKeyId,
      secretAccessKey: user.secretAccessKey,
      arn: user.arn ?? `arn:aws:iam::${this.accountId}:user/${user.accessKeyId}`,
      grants: [...(user.grants ?? [])],
    };
    this.byAccessKey.set(user.accessKeyId, identity);
    return identity;
  }

  /** A new static user with random keys. */
  createUser(name: string, grants: Grant[] = []): Identity {
    return this.addUser({
      accessKeyId: randomKey("AKIA"),
      secretAccessKey: randomBytes(30).toString("base64"),
      arn: `arn:aws:iam::${this.accountId}:user/${name}`,
      grants,
    });
  }

  addRole(role: RoleDefinition): Role {
    const stored: Role = { ...role, grants: [...(role.grants ?? [])], maxSessionDurationSeconds: role.maxSessionDurationSeconds ?? 43200 };
    this.roles.set(role.arn, stored);
    return stored;
  }

  /** Replaces a role's grants (e.g. a customer revoking access mid-test). */
  setRoleGrants(roleArn: string, grants: Grant[]): void {
    const role = this.roles.get(roleArn);
    if (!role) throw new Error(`No role ${roleArn}`);
    role.grants = [...grants];
  }

  removeRole(roleArn: string): void {
    this.roles.delete(roleArn);
  }

  getRole(arn: string): Role | undefined {
    return this.roles.get(arn);
  }

  resolve(accessKeyId: string): Identity | undefined {
    return this.byAccessKey.get(accessKeyId);
  }

  /** Grants in force for an identity now: a session follows its role's current grants. */
  grantsOf(identity: Identity): Grant[] {
    if (identity.kind === "assumed-role" && identity.roleArn) return this.roles.get(identity.roleArn)?.grants ?? [];
    return identity.grants;
  }

  isExpired(identity: Identity): boolean {
    return identity.expiresAt !== undefined && this.clock.now() >= identity.expiresAt;
  }

  issueSession(role: Role, sessionName: string, durationSeconds: number): Identity {
    const roleName = role.arn.slice(role.arn.lastIndexOf("/") + 1);
    const session: Identity = {
      kind: "assumed-role",
      accessKeyId: randomKey("ASIA"),
      secretAccessKey: randomBytes(30).toString("base64"),
      sessionToken: randomBytes(96).toString("base64"),
      arn: `arn:aws:sts::${role.arn.split(":")[4]}:assumed-role/${roleName}/${sessionName}`,
      roleArn: role.arn,
      expiresAt: this.clock.now() + durationSeconds * 1000,
      grants: [],
    };
    this.byAccessKey.set(session.accessKeyId, session);
    return session;
  }
}
