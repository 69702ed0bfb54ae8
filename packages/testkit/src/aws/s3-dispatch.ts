/**
 * What the S3 front does with a request once it is verified, authorized and fault-free: the
 * multipart calls s3rver lacks are answered here, everything else is streamed to s3rver, with
 * the upload ids, tags and SSE headers it does not keep recorded on the way.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import type { EmulatorClock } from "./clock.js";
import type { Identity } from "./identities.js";
import { completedParts, type MultipartTracker } from "./multipart.js";
import { sseHeadersOf, taggingXml, type SseRegistry } from "./object-extras.js";
import { readText, upstreamPath, type S3rverClient, type UpstreamResponse } from "./proxy.js";
import type { S3Operation } from "./s3-operations.js";
import { s3Errors } from "./s3-errors.js";
import { newRequestId, xmlEscape } from "./xml.js";

/**
 * Lets a client that sent `Expect: 100-continue` send its body. Only called once the request is
 * accepted, so a refused upload is answered before any of its bytes travel, as S3 does.
 */
export function acceptBody(req: IncomingMessage, res: ServerResponse): void {
  if (String(req.headers.expect ?? "").toLowerCase() === "100-continue" && !res.headersSent) res.writeContinue();
}

// `date` is the front's own: the emulator clock, not s3rver's.
const NOT_COPIED = new Set(["connection", "keep-alive", "transfer-encoding", "date"]);

function copyResponse(res: ServerResponse, upstream: UpstreamResponse, extraHeaders: Record<string, string> = {}): void {
  res.statusCode = upstream.status;
  for (const [name, value] of Object.entries(upstream.headers)) {
    if (value !== undefined && !NOT_COPIED.has(name)) res.setHeader(name, value);
  }
  for (const [name, value] of Object.entries(extraHeaders)) res.setHeader(name, value);
}

function sendText(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader("content-length", Buffer.byteLength(body));
  res.end(body);
}

export interface DispatcherDeps {
  client: S3rverClient;
  multipart: MultipartTracker;
  sse: SseRegistry;
  clock: EmulatorClock;
}

export type S3Dispatcher = (req: IncomingMessage, res: ServerResponse, op: S3Operation, identity: Identity, query: Record<string, unknown>) => Promise<void>;

export function createS3Dispatcher({ client, multipart, sse, clock }: DispatcherDeps): S3Dispatcher {
  const applyTags = async (bucket: string, key: string, tagging: string) => {
    const path = `/${encodeURIComponent(bucket)}/${key.split("/").map(encodeURIComponent).join("/")}?tagging`;
    const result = await client.call("PUT", path, taggingXml(tagging));
    if (result.status >= 300) throw new Error(`s3rver refused the tags for ${bucket}/${key}: ${result.body}`);
  };

  return async (req: IncomingMessage, res: ServerResponse, op: S3Operation, identity: Identity, query: Record<string, unknown>) => {
    const path = upstreamPath(req.url ?? "/");
    const method = req.method ?? "GET";
    const bucket = op.bucket ?? "";
    const key = op.key ?? "";
    const uploadId = typeof query["uploadId"] === "string" ? query["uploadId"] : "";
    const requestId = { "x-amz-request-id": newRequestId() };

    switch (op.name) {
      case "ListMultipartUploads":
        return sendText(res, 200, { "content-type": "application/xml", ...requestId },
          multipart.listXml(bucket, typeof query["prefix"] === "string" ? query["prefix"] : ""));
      case "AbortMultipartUpload":
        if (!multipart.get(uploadId)) throw s3Errors.noSuchUpload(uploadId);
        await multipart.abort(uploadId);
        res.writeHead(204, requestId).end();
        return;
      case "UploadPart":
      case "CompleteMultipartUpload":
      case "ListParts":
        if (!multipart.get(uploadId)) throw s3Errors.noSuchUpload(uploadId);
        break;
    }

    const hasBody = method !== "GET" && method !== "HEAD" && method !== "DELETE";
    if (hasBody) acceptBody(req, res);
    let body: Readable | undefined = hasBody ? req : undefined;
    // s3rver gives a multipart object the MD5 of its bytes; AWS an ETag made from the parts.
    let multipartEtag: string | undefined;
    if (op.name === "CompleteMultipartUpload") {
      const xml = await readText(req);
      multipartEtag = await multipart.multipartEtag(multipart.get(uploadId)!, completedParts(xml));
      body = Readable.from([Buffer.from(xml)]);
    }
    const up = await client.forward(method, path, req.headers, body);
    const ok = up.status < 300;
    switch (op.name) {
      case "CreateMultipartUpload": {
        // Small XML answer: read it to learn the upload id, then pass it on.
        const answer = await readText(up.body);
        const id = /<UploadId>([^<]+)<\/UploadId>/.exec(answer)?.[1];
        const created = sseHeadersOf(req.headers);
        if (ok && id) {
          const tagging = req.headers["x-amz-tagging"];
          multipart.add({
            bucket, key, uploadId: id, initiated: new Date(clock.now()), initiatorArn: identity.arn,
            ...(typeof tagging === "string" ? { tagging } : {}), ...(created ? { sse: created } : {}),
          });
        }
        copyResponse(res, up, ok ? created : undefined);
        res.setHeader("content-length", Buffer.byteLength(answer));
        res.end(answer);
        return;
      }
      case "CompleteMultipartUpload": {
        const answer = await readText(up.body);
        const upload = multipart.get(uploadId);
        const completed = ok && !answer.includes("<Error>") && upload !== undefined;
        if (completed) {
          multipart.completed(uploadId);
          await multipart.setObjectEtag(bucket, key, multipartEtag!);
          sse.set(bucket, key, upload.sse);
          if (upload.tagging) await applyTags(bucket, key, upload.tagging);
        }
        const result = completed ? answer.replace(/<ETag>[^<]*<\/ETag>/, `<ETag>${xmlEscape(`"${multipartEtag}"`)}</ETag>`) : answer;
        copyResponse(res, up, ok ? upload?.sse : undefined);
        res.setHeader("content-length", Buffer.byteLength(result));
        res.end(result);
        return;
      }
      case "PutObject":
      case "CopyObject": {
        const created = sseHeadersOf(req.headers);
        const tagging = req.headers["x-amz-tagging"];
        if (ok) {
          sse.set(bucket, key, created);
          if (typeof tagging === "string") await applyTags(bucket, key, tagging);
        }
        copyResponse(res, up, ok ? created : undefined);
        break;
      }
      case "UploadPart":
        copyResponse(res, up, ok ? multipart.get(uploadId)?.sse : undefined);
        break;
      case "GetObject":
      case "HeadObject":
        copyResponse(res, up, ok ? sse.get(bucket, key) : undefined);
        break;
      case "DeleteObject":
        if (ok) sse.set(bucket, key, undefined);
        copyResponse(res, up);
        break;
      default:
        copyResponse(res, up);
    }
    up.body.pipe(res);
  };
}
