/**
 * SigV4 verification: recomputes a request's signature with @smithy/signature-v4 from the secret
 * of the calling access key and compares it with the one sent, for the Authorization header and
 * for presigned query strings.
 */
import type { IncomingHttpHeaders } from "node:http";
import { timingSafeEqual } from "node:crypto";
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import type { Identity, IdentityStore } from "./identities.js";

export type Query = Record<string, string | string[]>;

export interface RequestToVerify {
  method: string;
  /** The path exactly as sent (still percent-encoded). */
  rawPath: string;
  query: Query;
  headers: IncomingHttpHeaders;
  /** The body, for services that sign its hash without an `x-amz-content-sha256` header (STS). */
  body?: Uint8Array;
}

export type VerifyFailure =
  | { reason: "missing" }
  | { reason: "malformed"; message: string }
  | { reason: "wrong-region"; region: string }
  | { reason: "unknown-key"; accessKeyId: string }
  | { reason: "bad-signature"; accessKeyId: string }
  | { reason: "invalid-token" }
  | { reason: "expired" }
  | { reason: "presign-expired" };

export type VerifyResult =
  | {
      ok: true;
      identity: Identity;
      /** When the client says it signed (X-Amz-Date), and its raw value, for clock-skew checks. */
      signedAt: Date;
      amzDate: string;
      presigned: boolean;
    }
  | ({ ok: false } & VerifyFailure);

/** Decodes a raw query string without URLSearchParams' `+` → space rule, which SigV4 does not use. */
export function parseQuery(raw: string): Query {
  const query: Query = {};
  for (const part of raw.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const key = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? "" : decodeURIComponent(part.slice(eq + 1));
    const prev = query[key];
    query[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return query;
}

const AUTH_RE = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;
const PRESIGN_PARAMS = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token"];

/** `20240101T000000Z` → Date. */
function parseAmzDate(value: string | undefined): Date | undefined {
  const m = value && /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : undefined;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(",") : v;
}

function sameSignature(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

export interface VerifyOptions {
  store: IdentityStore;
  service: string;
  region: string;
}

interface Parsed {
  accessKeyId: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  date: Date;
  amzDate: string;
  sessionToken: string | undefined;
  presign?: { expiresIn: number };
}

function parseAuth(req: RequestToVerify): Parsed | VerifyFailure {
  const authorization = header(req.headers, "authorization");
  if (authorization !== undefined) {
    const m = AUTH_RE.exec(authorization);
    if (!m) return { reason: "malformed", message: "The authorization header is malformed." };
    const amzDate = header(req.headers, "x-amz-date") ?? "";
    const date = parseAmzDate(amzDate);
    if (!date) return { reason: "malformed", message: "The request must contain a valid X-Amz-Date header." };
    return {
      accessKeyId: m[1]!, region: m[3]!, service: m[4]!, signedHeaders: m[5]!.split(";"), signature: m[6]!, date, amzDate,
      sessionToken: header(req.headers, "x-amz-security-token"),
    };
  }
  if (req.query["X-Amz-Algorithm"] !== undefined) {
    const q = (k: string) => (typeof req.query[k] === "string" ? (req.query[k] as string) : undefined);
    const credential = /^([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/.exec(q("X-Amz-Credential") ?? "");
    const date = parseAmzDate(q("X-Amz-Date"));
    const expiresIn = Number(q("X-Amz-Expires"));
    const signature = q("X-Amz-Signature");
    if (q("X-Amz-Algorithm") !== "AWS4-HMAC-SHA256" || !credential || !date || !Number.isInteger(expiresIn) || !signature) {
      return { reason: "malformed", message: "The presigned query string is malformed." };
    }
    return {
      accessKeyId: credential[1]!, region: credential[3]!, service: credential[4]!,
      signedHeaders: (q("X-Amz-SignedHeaders") ?? "host").split(";"), signature, date, amzDate: q("X-Amz-Date")!,
      sessionToken: q("X-Amz-Security-Token"), presign: { expiresIn },
    };
  }
  return { reason: "missing" };
}

export async function verifySigV4(req: RequestToVerify, options: VerifyOptions): Promise<VerifyResult> {
  const parsed = parseAuth(req);
  if ("reason" in parsed) return { ok: false, ...parsed };
  if (parsed.service !== options.service) {
    return { ok: false, reason: "malformed", message: `Credential should be scoped to correct service: '${options.service}'.` };
  }
  if (parsed.region !== options.region) return { ok: false, reason: "wrong-region", region: parsed.region };
  const identity = options.store.resolve(parsed.accessKeyId);
  if (!identity) return { ok: false, reason: "unknown-key", accessKeyId: parsed.accessKeyId };
  if (identity.sessionToken !== undefined && parsed.sessionToken !== identity.sessionToken) return { ok: false, reason: "invalid-token" };

  const headers: Record<string, string> = {};
  for (const name of parsed.signedHeaders) {
    const value = header(req.headers, name);
    if (value !== undefined) headers[name] = value;
  }
  const signer = new SignatureV4({
    credentials: { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey },
    region: parsed.region,
    service: parsed.service,
    sha256: Sha256,
    // S3 signs the path as sent; other services sign it normalized and escaped again.
    uriEscapePath: options.service !== "s3",
    // Only add x-amz-content-sha256 to the canonical headers when the client signed it.
    applyChecksum: parsed.signedHeaders.includes("x-amz-content-sha256"),
  });
  const signableHeaders = new Set(parsed.signedHeaders);
  let expected: string;
  if (parsed.presign) {
    const query = { ...req.query };
    for (const p of PRESIGN_PARAMS) delete query[p];
    const withHash = { ...headers, "x-amz-content-sha256": headers["x-amz-content-sha256"] ?? "UNSIGNED-PAYLOAD" };
    const presigned = await new SignatureV4({
      credentials: {
        accessKeyId: identity.accessKeyId,
        secretAccessKey: identity.secretAccessKey,
        ...(parsed.sessionToken ? { sessionToken: parsed.sessionToken } : {}),
      },
      region: parsed.region, service: parsed.service, sha256: Sha256, uriEscapePath: options.service !== "s3",
    }).presign(
      { method: req.method, protocol: "http:", hostname: "", path: req.rawPath, query, headers: withHash },
      {
        signingDate: parsed.date,
        expiresIn: parsed.presign.expiresIn,
        signableHeaders,
        unsignableHeaders: new Set(signableHeaders.has("x-amz-content-sha256") ? [] : ["x-amz-content-sha256"]),
        unhoistableHeaders: new Set(Object.keys(withHash)),
      },
    );
    expected = String(presigned.query?.["X-Amz-Signature"] ?? "");
  } else {
    const signed = await signer.sign(
      { method: req.method, protocol: "http:", hostname: "", path: req.rawPath, query: req.query, headers, body: req.body },
      { signingDate: parsed.date, signableHeaders },
    );
    expected = /Signature=([0-9a-f]{64})$/.exec(String(signed.headers["authorization"]))?.[1] ?? "";
  }
  if (!sameSignature(expected, parsed.signature)) return { ok: false, reason: "bad-signature", accessKeyId: parsed.accessKeyId };
  if (options.store.isExpired(identity)) return { ok: false, reason: "expired" };
  if (parsed.presign && options.store.clock.now() > parsed.date.getTime() + parsed.presign.expiresIn * 1000) {
    return { ok: false, reason: "presign-expired" };
  }
  return { ok: true, identity, signedAt: parsed.date, amzDate: parsed.amzDate, presigned: parsed.presign !== undefined };
}
