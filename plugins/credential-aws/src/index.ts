import { API_VERSION, definePlugin, implementationToken, type Problem, z } from "@conveyor/core";
import {
  accountIdSchema,
  AWS_CREDENTIAL_KIND,
  awsCommonSettings,
  awsPlatformSecrets,
  awsPlatformSettings,
  externalIdSchema,
  hostIdentityProblems,
  hostIdentitySettings,
  roleNameSchema,
  sessionNameSchema,
} from "@conveyor/aws";
import { AccessKeyCredential } from "./access-key-credential.js";
import { AssumeRoleCredential } from "./assume-role-credential.js";
import { authMethodSetting } from "./auth-method.js";
import { probeSettings } from "./probe-settings.js";

export const ACCESS_KEY_ID = "aws-access-key";
export const ASSUME_ROLE_ID = "aws-assume-role";

/** basic (key + secret) or session (with a session token): Treasure Data's recommended methods. */
export const accessKeySettings = z
  .object({
    auth_method: authMethodSetting(ACCESS_KEY_ID),
    access_key_id: z.string().regex(/^[A-Z0-9]{16,128}$/, "must be an AWS access key id: 16–128 capital letters and digits (AKIA… or ASIA…)"),
    secret_access_key: z.string().min(1).describe("Secret; use a reference such as ${env:AWS_SECRET_ACCESS_KEY}."),
    session_token: z.string().min(1).optional().describe("Secret; for temporary (ASIA…) keys."),
    ...probeSettings,
    ...awsCommonSettings,
  })
  .strict();

/** A role in the customer's account, assumed from the host's own identity with an External ID. */
export const assumeRoleSettings = z
  .object({
    auth_method: authMethodSetting(ASSUME_ROLE_ID),
    account_id: accountIdSchema,
    role_name: roleNameSchema.describe("The role's name, with its path if it has one (prod/exporter)."),
    external_id: externalIdSchema.describe("The External ID the role's trust policy requires."),
    duration_seconds: z.number().int().min(900).max(43200).default(3600).describe("Session length, 900–43200 (capped at 3600 when the host's identity is itself a role session)."),
    session_name: sessionNameSchema.optional(),
    ...probeSettings,
    ...awsCommonSettings,
  })
  .strict();

export type AccessKeySettings = z.output<typeof accessKeySettings>;
export type AssumeRoleSettings = z.output<typeof assumeRoleSettings>;

export const accessKeyPlugin = definePlugin({
  id: ACCESS_KEY_ID,
  kind: "credential",
  version: "0.1.0",
  apiVersion: API_VERSION,
  displayName: "AWS access key",
  description: "An access key id and secret access key, with a session token for temporary keys.",
  settings: accessKeySettings,
  provides: AWS_CREDENTIAL_KIND,
  secrets: ["secret_access_key", "session_token"],
  platformSettings: awsPlatformSettings,
  platformSecrets: awsPlatformSecrets,
  check(settings): Problem[] {
    if (settings.auth_method === "session" && !settings.session_token) {
      return [{ path: "session_token", message: 'is required when auth_method is "session"', severity: "error" }];
    }
    if (settings.session_token === undefined && settings.access_key_id.startsWith("ASIA")) {
      return [{ path: "session_token", message: "is missing: ASIA… keys are temporary and only work with their session token", severity: "warning" }];
    }
    return [];
  },
  register(container) {
    container.register(implementationToken("credential", ACCESS_KEY_ID), { useClass: AccessKeyCredential });
  },
});

export const assumeRolePlugin = definePlugin({
  id: ASSUME_ROLE_ID,
  kind: "credential",
  version: "0.1.0",
  apiVersion: API_VERSION,
  displayName: "AWS assume role",
  description: "Assumes a role (account id + role name) with an External ID from the host's own AWS identity.",
  settings: assumeRoleSettings,
  provides: AWS_CREDENTIAL_KIND,
  secrets: ["external_id"],
  platformSettings: awsPlatformSettings.extend(hostIdentitySettings),
  platformSecrets: awsPlatformSecrets,
  // The role is assumed from the host's own identity: missing, it is a host mistake told at validate.
  checkPlatform: hostIdentityProblems,
  register(container) {
    container.register(implementationToken("credential", ASSUME_ROLE_ID), { useClass: AssumeRoleCredential });
  },
});

export default [accessKeyPlugin, assumeRolePlugin];
export { AccessKeyCredential } from "./access-key-credential.js";
export { AssumeRoleCredential } from "./assume-role-credential.js";
