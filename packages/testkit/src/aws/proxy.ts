/**
 * Forwards a verified request to s3rver, streaming both ways (a 200 MB upload passes through
 * with flat memory). Auth headers and presign parameters are removed: s3rver would otherwise
 * run its own, incomplete, signature check.
 */
import { Agent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createAwsChunkedDecoder } from "./aws-chunked.js";

const DROPPED_HEADERS = new Set([
  "authorization", "x-amz-security-token", "x-amz-content-sha256", "x-amz-date", "expect", "connection",
  "keep-alive", "transfer-encoding", "x-amz-decoded-content-length", "x-amz-trailer", "proxy-connection", "upgrade",
]);
const PRESIGN_PARAM = /^x-amz-(algorithm|credential|date|expires|signedheaders|signature|security-token)$/i;

/** The request line's path and query minus presign parameters. */
export function upstreamPath(url: string): string {
  const q = url.indexOf("?");
  if (q < 0) return url;
  const kept = url
    .slice(q + 1)
    .split("&")
    .filter((p) => p !== "" && !PRESIGN_PARAM.test(decodeURIComponent(p.split("=")[0]!)));
  return kept.length > 0 ? `${url.slice(0, q)}?${kept.join("&")}` : url.slice(0, q);
}

export interface UpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
}

export class S3rverClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });

  constructor(readonly port: number) {}

  /** Streams `body` (if any) to s3rver; a STREAMING-* (aws-chunked) body is unwrapped on the way. */
  forward(method: string, path: string, headers: IncomingHttpHeaders, body?: Readable): Promise<UpstreamResponse> {
    const out: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(headers)) if (!DROPPED_HEADERS.has(name) && value !== undefined) out[name] = value;
    const chunked = String(headers["x-amz-content-sha256"] ?? "").startsWith("STREAMING-");
    if (chunked) {
      const decoded = headers["x-amz-decoded-content-length"];
      if (typeof decoded === "string") out["content-length"] = decoded;
      else delete out["content-length"]; // unknown length: Node sends it chunked
      const encodings = String(headers["content-encoding"] ?? "").split(",").map((e) => e.trim()).filter((e) => e && e !== "aws-chunked");
      if (encodings.length > 0) out["content-encoding"] = encodings.join(",");
      else delete out["content-encoding"];
    }
    return new Promise((resolve, reject) => {
      const upstream = httpRequest({ host: "127.0.0.1", port: this.port, method, path, headers: out, agent: this.agent }, (res) =>
        resolve({ status: res.statusCode ?? 502, headers: res.headers, body: res }),
      );
      upstream.on("error", reject);
      if (!body) upstream.end();
      else {
        const streams: NodeJS.ReadableStream[] = chunked ? [body, createAwsChunkedDecoder()] : [body];
        pipeline([...streams, upstream] as unknown as [Readable, NodeJS.WritableStream]).catch((error: unknown) => {
          upstream.destroy(error as Error);
          reject(error);
        });
      }
    });
  }

  /** A small request made by the front itself (create bucket, apply tags); answers the body as text. */
  async call(method: string, path: string, body?: string): Promise<{ status: number; body: string }> {
    const headers: IncomingHttpHeaders = body === undefined ? {} : { "content-length": String(Buffer.byteLength(body)), "content-type": "application/xml" };
    const res = await this.forward(method, path, headers, body === undefined ? undefined : Readable.from([Buffer.from(body)]));
    return { status: res.status, body: await readText(res.body) };
  }

  close(): void {
    this.agent.destroy();
  }
}

export async function readText(stream: Readable, limit = 1 << 20): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error(`Body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
