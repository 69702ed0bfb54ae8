import { createHash } from "node:crypto";

/**
 * SHA-256 of a job's canonical JSON (keys sorted), so a retry can tell whether the job it is
 * given is the one the run started with, without the run store keeping the job's secrets.
 */
export function jobDigest(job: unknown): string {
  return createHash("sha256").update(canonicalJson(job)).digest("hex");
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
