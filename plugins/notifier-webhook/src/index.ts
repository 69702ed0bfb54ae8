import { API_VERSION, definePlugin, implementationToken, z } from "@conveyor/core";
import { WebhookNotifier } from "./webhook-notifier.js";

export { signBody, verifySignature, SIGNATURE_HEADER } from "./signature.js";
export { WebhookNotifier } from "./webhook-notifier.js";

/** Settings as the user types them (snake_case), validated before the scheduler starts. */
export const settings = z
  .object({
    url: z
      .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })
      .describe("Where each notification is POSTed as JSON."),
    secret: z.string().min(16, "must be at least 16 characters").optional().describe("Signs each body: X-Conveyor-Signature: sha256=<hex HMAC-SHA256 of the body>."),
    headers: z.record(z.string(), z.string()).default({}).describe("Extra request headers, e.g. an Authorization token."),
    timeout_ms: z.number().int().min(100).max(60_000).default(10_000).describe("How long one attempt may take."),
    max_attempts: z.number().int().min(1).max(10).default(5).describe("Attempts in all; 5xx, 429 and network errors are retried with backoff."),
    backoff_ms: z.number().int().min(0).max(60_000).default(500).describe("Base of the exponential backoff between attempts."),
  })
  .strict();

export type WebhookSettings = z.output<typeof settings>;

export default definePlugin({
  id: "webhook",
  kind: "notifier",
  version: "0.1.0",
  apiVersion: API_VERSION,
  displayName: "Webhook",
  description: "POSTs each notification (failed run, disabled or recovered schedule) as JSON to a URL, signed with HMAC-SHA256 when a secret is set.",
  settings,
  secrets: ["secret", "headers.authorization", "headers.Authorization"],
  register(container) {
    container.register(implementationToken("notifier", "webhook"), { useClass: WebhookNotifier });
  },
});
