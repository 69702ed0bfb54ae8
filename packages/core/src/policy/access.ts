/**
 * Who may send to a destination. Checked before anything is written.
 */
import { z } from "zod";
import { ConnectorError } from "../errors.js";
import { piiColumns, type Schema } from "../schema.js";
import type { Principal } from "./principal.js";

/** The access switches a destination's settings and its data template may carry. */
export interface AccessRules {
  allow_business_users?: boolean;
  allow_restricted_pii?: boolean;
}

/**
 * The access switches of every destination's settings, declared here once: core adds them to
 * each destination's schema (validation and JSON Schema), so no plugin declares them.
 */
export const destinationAccessSettings = {
  allow_business_users: z.boolean().default(false).describe("Business users may send to this destination."),
  allow_restricted_pii: z
    .boolean()
    .default(false)
    .describe("Senders with restricted PII access may send PII columns here (the data template must allow it too)."),
};

const destinationAccessSchema = z.object(destinationAccessSettings);

/** The access switches of a destination's validated settings (unknown keys ignored). */
export function destinationAccessRules(settings: unknown): AccessRules {
  return destinationAccessSchema.parse(settings);
}

/**
 * Refuses a send the principal may not make:
 * - a business user, unless `allow_business_users` is on for the destination or its data
 *   template (either may grant it) → `policy.business-users-not-allowed`;
 * - a restricted-PII principal (any role) sending a schema with PII columns, unless
 *   `allow_restricted_pii` is on for both the destination and the data template — a send
 *   without a data template cannot satisfy "both" → `policy.restricted-pii`, naming the columns.
 *
 * Pass the schema that will actually be sent (after output mapping), so a template that drops
 * the PII columns makes the send acceptable. Both errors are `needs-person` with an action.
 */
export function checkAccess(principal: Principal, destination: AccessRules, template: AccessRules | undefined, schema: Schema): void {
  if (principal.role === "business_user" && !destination.allow_business_users && !template?.allow_business_users) {
    throw new ConnectorError({
      code: "policy.business-users-not-allowed",
      category: "needs-person",
      message:
        "Business users may not send data to this destination: allow_business_users is off on the destination and on its data template.",
      action: {
        kind: "fix-permissions",
        id: "policy.business-users-not-allowed",
        title: "Allow business users",
        problem: "This destination is not available to business users.",
        steps: [
          "Ask an operator to open the destination used by this workflow.",
          "Turn on allow_business_users in the destination's settings or in its data template (template.allow_business_users).",
          "Save the destination or data template.",
          "Return to the failed run and resolve it to retry.",
        ],
      },
    });
  }
  const pii = piiColumns(schema);
  if (principal.restricted_pii && pii.length > 0 && !(destination.allow_restricted_pii && template?.allow_restricted_pii)) {
    const columns = pii.map((c) => `${c.name} (${c.pii})`).join(", ");
    throw new ConnectorError({
      code: "policy.restricted-pii",
      category: "needs-person",
      message:
        `This send includes columns marked as PII — ${columns} — and the sender has restricted PII access. ` +
        `allow_restricted_pii must be on for both the destination (${state(destination.allow_restricted_pii)}) ` +
        `and its data template (${template ? state(template.allow_restricted_pii) : "no data template"}).`,
      details: { columns: pii.map((c) => c.name) },
      action: {
        kind: "fix-permissions",
        id: "policy.restricted-pii",
        title: "Allow restricted PII users",
        problem: `Users with restricted PII access may not send the PII columns ${columns} to this destination.`,
        steps: [
          "Ask an operator to decide whether users with restricted PII access may send PII to this destination.",
          "If so, turn on allow_restricted_pii in the destination's settings and in its data template (template.allow_restricted_pii); if not, leave the PII columns out with the data template's columns mapping.",
          "Save the destination and data template.",
          "Return to the failed run and resolve it to retry.",
        ],
      },
    });
  }
}

function state(flag: boolean | undefined): string {
  return flag ? "on" : "off";
}
