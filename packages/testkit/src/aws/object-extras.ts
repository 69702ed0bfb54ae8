/**
 * What s3rver drops and the front keeps: server-side-encryption headers (echoed back on writes
 * and reads, as S3 does) and the `x-amz-tagging` header on PUT (turned into an object tagging).
 */
import type { IncomingHttpHeaders } from "node:http";
import { xmlElements } from "./xml.js";

const SSE_HEADERS = ["x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id", "x-amz-server-side-encryption-bucket-key-enabled"];

export function sseHeadersOf(headers: IncomingHttpHeaders): Record<string, string> | undefined {
  const found = Object.fromEntries(SSE_HEADERS.flatMap((h) => (typeof headers[h] === "string" ? [[h, headers[h] as string]] : [])));
  return Object.keys(found).length > 0 ? found : undefined;
}

export class SseRegistry {
  private readonly byObject = new Map<string, Record<string, string>>();

  set(bucket: string, key: string, sse: Record<string, string> | undefined): void {
    if (sse) this.byObject.set(`${bucket}/${key}`, sse);
    else this.byObject.delete(`${bucket}/${key}`);
  }

  get(bucket: string, key: string): Record<string, string> | undefined {
    return this.byObject.get(`${bucket}/${key}`);
  }
}

/** `a=1&b=two` (the x-amz-tagging header) → the PutObjectTagging XML body. */
export function taggingXml(header: string): string {
  const tags = header
    .split("&")
    .filter((p) => p !== "")
    .map((pair) => {
      const eq = pair.indexOf("=");
      const dec = (s: string) => decodeURIComponent(s.replace(/\+/g, " "));
      return `<Tag>${xmlElements({ Key: dec(eq < 0 ? pair : pair.slice(0, eq)), Value: eq < 0 ? "" : dec(pair.slice(eq + 1)) })}</Tag>`;
    })
    .join("");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet>${tags}</TagSet></Tagging>`;
}
