import { API_VERSION, definePlugin, implementationToken, z } from "@conveyor/core";
import {
  AWS_CREDENTIAL_KIND,
  awsCommonSettings,
  awsPlatformSecrets,
  awsPlatformSettings,
  bucketNameSchema,
  externalIdSchema,
  hostIdentityProblems,
  hostIdentitySettings,
  roleArnSchema,
  sessionNameSchema,
} from "@conveyor/aws";
import { RoleToRoleCredential } from "./role-to-role-credential.js";

/** What the user types: the customer's role and bucket (the rest comes from the host). */
export const settings = z
  .object({
    target_role_arn: roleArnSchema.describe("The customer's IAM role Conveyor assumes to write to the bucket: arn:aws:iam::<account>:role/<path/><name>."),
    bucket: bucketNameSchema.describe("The customer's S3 bucket (or an access point alias; an access point ARN is refused: use its alias)."),
    probe_prefix: z.string().default("").describe("Where the connection test writes (and deletes) its probe object; keep it inside the destination's prefix."),
    probe_cleanup: z.boolean().default(true).describe("Delete the probe object after the connection test (needs s3:DeleteObject)."),
    session_name: sessionNameSchema.optional().describe("Role session name seen in the customer's CloudTrail; default conveyor-<run id>."),
    duration_seconds: z.number().int().min(900).max(3600).default(3600).describe("Session length, 900–3600 (role chaining caps it at one hour); refreshed before expiry."),
    ...awsCommonSettings,
  })
  .strict();

/** What the host provides (conveyor.config.yaml `platform:` or CONVEYOR_*), never typed by the user. */
export const platformSettings = awsPlatformSettings.extend({
  ...hostIdentitySettings,
  platform_role_arn: roleArnSchema.describe("The platform's intermediate role, trusted by the customer's role."),
  external_id: externalIdSchema.describe("The External ID the customer's trust policy requires (one per tenant)."),
});

export type RoleToRoleSettings = z.output<typeof settings>;
export type RoleToRolePlatform = z.output<typeof platformSettings>;

export const ID = "iam-role-to-role";

export default definePlugin({
  id: ID,
  kind: "credential",
  version: "0.1.0",
  apiVersion: API_VERSION,
  displayName: "AWS cross-account role (iam-role-to-role)",
  description: "Assumes the platform role, then the customer's role with the platform's External ID; refreshes before expiry.",
  settings,
  provides: AWS_CREDENTIAL_KIND,
  platformSettings,
  platformSecrets: [...awsPlatformSecrets, "external_id"],
  // The first hop starts from the host's own identity: missing, it is a host mistake told at validate.
  checkPlatform: hostIdentityProblems,
  register(container) {
    container.register(implementationToken("credential", ID), { useClass: RoleToRoleCredential });
  },
});

export { RoleToRoleCredential } from "./role-to-role-credential.js";
