import { z } from "zod";

/** Who sends: an operator (administrator) or a business user (queries, segments, campaigns). */
export type PrincipalRole = "operator" | "business_user";

export interface Principal {
  role: PrincipalRole;
  /** "Restricted PII access": may not send columns marked PII unless explicitly allowed. Any role may have it. */
  restricted_pii: boolean;
}

/** A job's `principal:`; without one, a send is made by an unrestricted operator. */
export const principalSchema = z.strictObject({
  role: z.enum(["operator", "business_user"]).default("operator"),
  restricted_pii: z.boolean().default(false),
});

export const OPERATOR: Principal = { role: "operator", restricted_pii: false };
