import { z } from "@conveyor/core";

/**
 * Treasure Data's `auth_method` names, accepted for familiarity. Each names the plugin that
 * implements it; `anonymous` is refused, saying what to use instead.
 */
const PLUGIN_OF_METHOD: Record<string, string> = { basic: "aws-access-key", session: "aws-access-key", assume_role: "aws-assume-role" };

export const ANONYMOUS_REFUSAL =
  'is "anonymous", which is not supported: Conveyor signs every request to your bucket. ' +
  "Use aws-access-key (access_key_id + secret_access_key, with session_token for temporary keys), " +
  "aws-assume-role (account_id + role_name + external_id), or iam-role-to-role for cross-account access";

/** The optional `auth_method` setting of the plugin `pluginId`. */
export function authMethodSetting(pluginId: string) {
  return z
    .string()
    .superRefine((method, ctx) => {
      const plugin = PLUGIN_OF_METHOD[method];
      if (method === "anonymous") ctx.addIssue({ code: "custom", message: ANONYMOUS_REFUSAL });
      else if (plugin === undefined) ctx.addIssue({ code: "custom", message: `must be one of ${Object.keys(PLUGIN_OF_METHOD).join(", ")}` });
      else if (plugin !== pluginId) ctx.addIssue({ code: "custom", message: `is "${method}", which the ${plugin} credential plugin implements; use that plugin` });
    })
    .optional()
    .describe(`Optional, for familiarity with Treasure Data's settings: ${Object.entries(PLUGIN_OF_METHOD).filter(([, p]) => p === pluginId).map(([m]) => m).join(" or ")}. "anonymous" is not supported.`);
}
