import { ConnectorError, type ConnectionCheck } from "@conveyor/core";
import { assumeRoleOnce, type AssumeRoleOptions } from "./assume-role.js";

/**
 * The confused-deputy check of a connection test: AssumeRole once more *without* the External
 * ID. If AWS allows it, anyone the role trusts could act for this tenant — warn, naming the fix.
 */
export async function externalIdEnforcedCheck(options: AssumeRoleOptions): Promise<ConnectionCheck> {
  const name = "external id required";
  const { externalId: _omitted, ...withoutId } = options;
  try {
    await assumeRoleOnce({ ...withoutId, durationSeconds: 900, label: `${options.label ?? "role"} without the External ID` });
  } catch (error) {
    if (ConnectorError.is(error) && error.code === "credentials.invalid") {
      return { name, status: "ok", message: `${options.roleArn} refuses AssumeRole without the External ID` };
    }
    return { name, status: "warning", message: `could not check the trust policy's External ID condition: ${(error as Error).message}` };
  }
  return {
    name,
    status: "warning",
    message:
      `${options.roleArn} can be assumed without the External ID: its trust policy lacks the sts:ExternalId condition ` +
      "(a confused-deputy risk); add the condition, with the platform's External ID, to the role's trust policy",
  };
}
