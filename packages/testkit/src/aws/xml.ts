import { randomBytes } from "node:crypto";

export function xmlEscape(value: string): string {
  return value.replace(/[<>&'"]/g, (c) =>
    c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === "&" ? "&amp;" : c === "'" ? "&apos;" : "&quot;",
  );
}

/** `<Name>value</Name>` for each defined entry, values escaped. */
export function xmlElements(fields: Record<string, string | number | undefined>): string {
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<${k}>${xmlEscape(String(v))}</${k}>`)
    .join("");
}

export function newRequestId(): string {
  return randomBytes(8).toString("hex").toUpperCase();
}
