/**
 * The S3 emulator: s3rver (in a child process, see s3rver-process.ts) behind an HTTP front on
 * 127.0.0.1 that verifies SigV4, enforces grants, injects faults, implements the multipart
 * calls s3rver lacks, and keeps tags and SSE headers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { mkdtemp, mkdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { EmulatorClock } from "./clock.js";
import { CONTROL_PREFIX, handleControl } from "./control-endpoint.js";
import { FaultInjector, type FaultSpec } from "./faults.js";
import { IdentityStore } from "./identities.js";
import { MultipartTracker, type PendingUpload } from "./multipart.js";
import { SseRegistry } from "./object-extras.js";
import { isAllowed } from "./policy.js";
import { S3rverClient } from "./proxy.js";
import { acceptBody, createS3Dispatcher } from "./s3-dispatch.js";
import { classifyS3Request, isValidBucketName, type S3Operation } from "./s3-operations.js";
import { startS3rverProcess, type S3rverProcess } from "./s3rver-process.js";
import { S3ErrorResponse, s3Errors, sendS3Error } from "./s3-errors.js";
import { parseQuery, verifySigV4, type VerifyFailure } from "./sigv4.js";

export interface S3EmulatorOptions {
  /** Users, roles and sessions; pass the STS emulator's store so its sessions work here. */
  identities?: IdentityStore;
  /** Where s3rver keeps objects. Default: a fresh temp directory, removed on close. */
  dataDir?: string;
  /** Port of the front; default a free one. */
  port?: number;
  /** The region requests must be signed for. Default `us-east-1`. */
  region?: string;
  /** Buckets created at start. */
  buckets?: string[];
  /** Access point aliases (`name-…-s3alias`) and the bucket each one reaches. */
  accessPoints?: Record<string, string>;
}

export interface S3Emulator {
  /** `http://127.0.0.1:PORT`; use with `forcePathStyle: true`. */
  endpoint: string;
  port: number;
  region: string;
  dataDir: string;
  identities: IdentityStore;
  clock: EmulatorClock;
  faults: FaultInjector;
  /** s3rver itself, with no verification (for benchmarks against the front). */
  upstreamEndpoint: string;
  /** Uploads started but neither completed nor aborted. */
  pendingMultipartUploads(bucket?: string): PendingUpload[];
  /** Every signed request that reached the front, oldest first (for counting calls in tests). */
  readonly requests: ReadonlyArray<{ operation: string; bucket?: string; key?: string }>;
  createBucket(name: string): Promise<void>;
  /** An access point alias for a bucket: requests to the alias reach the bucket, under its grants. */
  createAccessPoint(alias: string, bucket: string): void;
  close(): Promise<void>;
}

/** How far a request's signing time may be from the emulator clock, either way (AWS's 15 minutes). */
const MAX_SKEW_MS = 15 * 60 * 1000;

function authError(failure: VerifyFailure, region: string): S3ErrorResponse {
  switch (failure.reason) {
    case "missing": return s3Errors.accessDenied();
    case "malformed": return s3Errors.malformedAuth(failure.message);
    case "wrong-region":
      return new S3ErrorResponse(400, "AuthorizationHeaderMalformed",
        `The authorization header is malformed; the region '${failure.region}' is wrong; expecting '${region}'`, { Region: region });
    case "unknown-key": return s3Errors.invalidAccessKeyId(failure.accessKeyId);
    case "bad-signature": return s3Errors.signatureDoesNotMatch(failure.accessKeyId);
    case "invalid-token": return s3Errors.invalidToken();
    case "expired": return s3Errors.expiredToken();
    case "presign-expired": return s3Errors.accessDeniedExpiredPresign();
  }
}

/** Reads (and drops) the request body until `limit` bytes or its end, then cuts the connection. */
async function resetAfter(req: IncomingMessage, res: ServerResponse, limit: number): Promise<void> {
  acceptBody(req, res);
  const socket = req.socket; // leaving the loop early destroys req and detaches it
  let received = 0;
  if (limit > 0) {
    for await (const chunk of req) {
      received += (chunk as Buffer).length;
      if (received >= limit) break;
    }
  }
  socket.destroy();
}

export async function startS3Emulator(options: S3EmulatorOptions = {}): Promise<S3Emulator> {
  const identities = options.identities ?? new IdentityStore();
  const region = options.region ?? "us-east-1";
  const ownsDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "conveyor-s3-")));
  await mkdir(dataDir, { recursive: true });
  const faults = new FaultInjector();
  const requests: Array<{ operation: string; bucket?: string; key?: string }> = [];
  const accessPoints = new Map<string, string>();
  /** A path-style URL naming an access point alias, rewritten to its bucket. */
  const viaAccessPoint = (url: string): string => {
    const match = /^\/([^/?]+-s3alias)(?=[/?]|$)/.exec(url);
    const bucket = match ? accessPoints.get(match[1]!) : undefined;
    return bucket ? `/${bucket}${url.slice(match![0].length)}` : url;
  };
  const multipart = new MultipartTracker(dataDir);
  await multipart.loadExisting();
  const sse = new SseRegistry();

  let s3rver: S3rverProcess | undefined;
  let upstream: S3rverClient | undefined;
  let server: Server | undefined;
  const close = async () => {
    await new Promise<void>((resolve) => {
      if (!server?.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections(); // keep-alive sockets would otherwise hold close() open
    });
    upstream?.close();
    await s3rver?.close();
    if (ownsDir) await rm(dataDir, { recursive: true, force: true });
  };

  try {
    s3rver = await startS3rverProcess(dataDir);
    upstream = new S3rverClient(s3rver.port);
    const client = upstream;
    const dispatch = createS3Dispatcher({ client, multipart, sse, clock: identities.clock });

    const createBucket = async (name: string) => {
      if (!isValidBucketName(name)) throw new Error(`Invalid bucket name ${JSON.stringify(name)}`);
      const result = await client.call("PUT", `/${name}`);
      if (result.status >= 300 && !result.body.includes("BucketAlreadyOwnedByYou")) {
        throw new Error(`Could not create bucket ${name}: ${result.status} ${result.body}`);
      }
    };

    // s3rver keeps each bucket as a directory of the data dir (the name is validated first).
    const bucketExists = (name: string) => stat(join(dataDir, name)).then((s) => s.isDirectory(), () => false);

    const handle = async (req: IncomingMessage, res: ServerResponse) => {
      const signed = req.url ?? "/";
      if (signed.startsWith(CONTROL_PREFIX)) {
        return handleControl(req, res, { clock: identities.clock, faults, pendingMultipartUploads: () => multipart.list() });
      }
      const q = signed.indexOf("?");
      const signedPath = q < 0 ? signed : signed.slice(0, q);
      const query = parseQuery(q < 0 ? "" : signed.slice(q + 1));
      const method = req.method ?? "GET";
      // The signature covers the path as sent (an access point alias); the rest works on the bucket.
      req.url = viaAccessPoint(signed);
      const rawPath = q < 0 ? req.url : req.url.slice(0, req.url.indexOf("?"));
      const op = classifyS3Request(method, rawPath, query, req.headers);
      requests.push({ operation: op.name, ...(op.bucket !== undefined ? { bucket: op.bucket } : {}), ...(op.key !== undefined ? { key: op.key } : {}) });

      if (req.headers["authorization"] && req.headers["x-amz-content-sha256"] === undefined) {
        throw s3Errors.invalidRequest("Missing required header for this request: x-amz-content-sha256");
      }
      const verified = await verifySigV4({ method, rawPath: signedPath, query, headers: req.headers }, { store: identities, service: "s3", region });
      if (!verified.ok) throw authError(verified, region);
      // Presigned URLs are bound by X-Amz-Expires instead.
      const now = identities.clock.now();
      if (!verified.presigned && Math.abs(now - verified.signedAt.getTime()) > MAX_SKEW_MS) {
        throw s3Errors.requestTimeTooSkewed(verified.amzDate, now, MAX_SKEW_MS);
      }

      for (const fault of faults.take(op.name, op.bucket, op.key)) await applyFault(req, res, fault, op);

      if (op.bucket !== undefined && !isValidBucketName(op.bucket)) throw s3Errors.invalidBucketName(op.bucket);
      // As on AWS, a missing bucket is 404 whoever asks, so a typo is not mistaken for missing grants.
      if (op.bucket !== undefined && op.name !== "CreateBucket" && !(await bucketExists(op.bucket))) throw s3Errors.noSuchBucket(op.bucket);
      const grants = identities.grantsOf(verified.identity);
      if (!op.required.every(([action, resource]) => isAllowed(grants, action, resource))) throw s3Errors.accessDenied();
      await dispatch(req, res, op, verified.identity, query);
    };

    // Each fault is counted as it fires (take() puts latency first).
    const applyFault = async (req: IncomingMessage, res: ServerResponse, fault: FaultSpec, op: S3Operation) => {
      faults.record(fault.type, op.name, op.bucket);
      switch (fault.type) {
        case "latency": await sleep(fault.ms ?? 0); return;
        case "slow-down": throw s3Errors.slowDown();
        case "internal-error": throw s3Errors.internalError();
        case "no-such-bucket": throw s3Errors.noSuchBucket(op.bucket ?? "");
        case "reset":
          await resetAfter(req, res, fault.afterBytes ?? 0);
          throw new ConnectionReset();
      }
    };

    const onRequest = (req: IncomingMessage, res: ServerResponse) => {
      // The server's time, as AWS sends it: SDKs correct their clock offset from it.
      res.setHeader("date", new Date(identities.clock.now()).toUTCString());
      handle(req, res).catch((error: unknown) => {
        if (error instanceof ConnectionReset) return;
        if (res.headersSent) {
          res.destroy(error as Error);
          return;
        }
        sendS3Error(req, res, error instanceof S3ErrorResponse ? error : new S3ErrorResponse(500, "InternalError", String((error as Error)?.message ?? error)));
      });
    };
    // Bigger stream buffers: fewer, larger chunks to relay for multi-megabyte parts.
    server = createServer({ highWaterMark: 1 << 20 }, onRequest);
    // Handling Expect ourselves (instead of Node's automatic 100 Continue) lets acceptBody decide.
    server.on("checkContinue", onRequest);
    const listening = server;
    await new Promise<void>((resolve, reject) => {
      listening.once("error", reject);
      listening.listen(options.port ?? 0, "127.0.0.1", () => resolve());
    });
    for (const bucket of options.buckets ?? []) await createBucket(bucket);
    for (const [alias, bucket] of Object.entries(options.accessPoints ?? {})) accessPoints.set(alias, bucket);
    const port = (listening.address() as AddressInfo).port;

    return {
      endpoint: `http://127.0.0.1:${port}`,
      port,
      region,
      dataDir,
      identities,
      clock: identities.clock,
      faults,
      requests,
      upstreamEndpoint: `http://127.0.0.1:${s3rver.port}`,
      pendingMultipartUploads: (bucket) => multipart.list(bucket),
      createBucket,
      createAccessPoint: (alias, bucket) => void accessPoints.set(alias, bucket),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

class ConnectionReset extends Error {}
