/** AssumeRole's input constraints, with the messages STS answers in a `ValidationError`. */

export interface AssumeRoleInput {
  roleArn: string;
  roleSessionName: string;
  externalId?: string;
  durationSeconds: number;
}

const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:role\/(?:[\x21-\x7e]{0,511}\/)?[\w+=,.@-]{1,64}$/;
const SESSION_NAME = /^[\w+=,.@-]*$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]*$/;

function constraint(value: string, field: string, rule: string): string {
  return `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: ${rule}`;
}

/** Returns the input, or the ValidationError message naming the first broken constraint. */
/** `chained`: the caller itself uses assumed-role credentials, which caps the session at one hour. */
export function validateAssumeRole(params: Record<string, string>, chained: boolean): AssumeRoleInput | { error: string } {
  const roleArn = params["RoleArn"];
  const roleSessionName = params["RoleSessionName"];
  const externalId = params["ExternalId"];
  const duration = params["DurationSeconds"];
  if (roleArn === undefined) return { error: "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null" };
  if (roleSessionName === undefined) {
    return { error: "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null" };
  }
  if (roleArn.length < 20 || roleArn.length > 2048) {
    return { error: constraint(roleArn, "roleArn", `Member must have length ${roleArn.length < 20 ? "greater than or equal to 20" : "less than or equal to 2048"}`) };
  }
  if (!ROLE_ARN.test(roleArn)) return { error: `${roleArn} is invalid` };
  if (roleSessionName.length < 2 || roleSessionName.length > 64) {
    return { error: constraint(roleSessionName, "roleSessionName", `Member must have length ${roleSessionName.length < 2 ? "greater than or equal to 2" : "less than or equal to 64"}`) };
  }
  if (!SESSION_NAME.test(roleSessionName)) {
    return { error: constraint(roleSessionName, "roleSessionName", "Member must satisfy regular expression pattern: [\\w+=,.@-]*") };
  }
  if (externalId !== undefined) {
    if (externalId.length < 2 || externalId.length > 1224) {
      return { error: constraint(externalId, "externalId", `Member must have length ${externalId.length < 2 ? "greater than or equal to 2" : "less than or equal to 1224"}`) };
    }
    if (!EXTERNAL_ID.test(externalId)) {
      return { error: constraint(externalId, "externalId", "Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*") };
    }
  }
  let durationSeconds = 3600;
  if (duration !== undefined) {
    durationSeconds = Number(duration);
    if (!/^\d+$/.test(duration)) return { error: constraint(duration, "durationSeconds", "Member must be an integer") };
    if (durationSeconds < 900) return { error: constraint(duration, "durationSeconds", "Member must have value greater than or equal to 900") };
    if (durationSeconds > 43200) return { error: constraint(duration, "durationSeconds", "Member must have value less than or equal to 43200") };
    if (chained && durationSeconds > 3600) {
      return { error: "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining." };
    }
  }
  return { roleArn, roleSessionName, durationSeconds, ...(externalId === undefined ? {} : { externalId }) };
}
