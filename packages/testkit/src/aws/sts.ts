/**
 * The STS emulator: the AssumeRole (and GetCallerIdentity) query API on 127.0.0.1 with STS's
 * XML answers and errors, so @aws-sdk/client-sts and fromTemporaryCredentials work unchanged.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { EmulatorClock } from "./clock.js";
import { CONTROL_PREFIX, handleControl } from "./control-endpoint.js";
import { IdentityStore, type Identity } from "./identities.js";
import { isTrusted } from "./policy.js";
import { readText } from "./proxy.js";
import { parseQuery, verifySigV4, type VerifyFailure } from "./sigv4.js";
import { validateAssumeRole } from "./sts-validation.js";
import { newRequestId, xmlElements } from "./xml.js";

export interface StsEmulatorOptions {
  identities?: IdentityStore;
  port?: number;
  region?: string;
}

export interface StsEmulator {
  endpoint: string;
  port: number;
  region: string;
  identities: IdentityStore;
  clock: EmulatorClock;
  /** Every AssumeRole call, allowed or not, for tests that assert what was asked. */
  calls: Array<{ callerArn: string; roleArn?: string; externalId?: string; outcome: "issued" | string }>;
  close(): Promise<void>;
}

const NS = "https://sts.amazonaws.com/doc/2011-06-15/";

class StsError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

function authError(failure: VerifyFailure): StsError {
  switch (failure.reason) {
    case "missing": return new StsError(400, "MissingAuthenticationToken", "Request is missing Authentication Token");
    case "malformed": return new StsError(400, "IncompleteSignature", failure.message);
    case "wrong-region": return new StsError(400, "SignatureDoesNotMatch", `Credential should be scoped to a valid region, not '${failure.region}'.`);
    case "unknown-key": return new StsError(403, "InvalidClientTokenId", "The security token included in the request is invalid.");
    case "invalid-token": return new StsError(403, "InvalidClientTokenId", "The security token included in the request is invalid.");
    case "bad-signature":
      return new StsError(403, "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
    case "expired":
    case "presign-expired": return new StsError(400, "ExpiredToken", "The security token included in the request is expired");
  }
}

function sendXml(res: ServerResponse, status: number, xml: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`;
  res.statusCode = status;
  res.setHeader("content-type", "text/xml");
  res.setHeader("content-length", Buffer.byteLength(body));
  res.end(body);
}

function sendError(res: ServerResponse, error: StsError): void {
  const type = error.status >= 500 ? "Receiver" : "Sender";
  sendXml(res, error.status,
    `<ErrorResponse xmlns="${NS}"><Error>${xmlElements({ Type: type, Code: error.code, Message: error.message })}</Error>` +
    `${xmlElements({ RequestId: newRequestId() })}</ErrorResponse>`);
}

function respond(res: ServerResponse, action: string, result: string): void {
  sendXml(res, 200,
    `<${action}Response xmlns="${NS}"><${action}Result>${result}</${action}Result>` +
    `<ResponseMetadata>${xmlElements({ RequestId: newRequestId() })}</ResponseMetadata></${action}Response>`);
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export async function startStsEmulator(options: StsEmulatorOptions = {}): Promise<StsEmulator> {
  const identities = options.identities ?? new IdentityStore();
  const region = options.region ?? "us-east-1";
  const calls: StsEmulator["calls"] = [];

  const assumeRole = (caller: Identity, params: Record<string, string>): string => {
    const input = validateAssumeRole(params, caller.kind === "assumed-role");
    if ("error" in input) {
      calls.push({ callerArn: caller.arn, outcome: "ValidationError" });
      throw new StsError(400, "ValidationError", input.error);
    }
    const role = identities.getRole(input.roleArn);
    const callerArns = caller.roleArn ? [caller.arn, caller.roleArn] : [caller.arn];
    // AWS answers a missing role, an untrusted caller and a wrong External ID alike.
    if (!role || !isTrusted(role.trust, callerArns, input.externalId)) {
      calls.push({ callerArn: caller.arn, roleArn: input.roleArn, ...(input.externalId ? { externalId: input.externalId } : {}), outcome: "AccessDenied" });
      throw new StsError(403, "AccessDenied", `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${input.roleArn}`);
    }
    if (input.durationSeconds > role.maxSessionDurationSeconds) {
      throw new StsError(400, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
    }
    const session = identities.issueSession(role, input.roleSessionName, input.durationSeconds);
    calls.push({ callerArn: caller.arn, roleArn: role.arn, ...(input.externalId ? { externalId: input.externalId } : {}), outcome: "issued" });
    const roleId = `AROA${role.arn.length.toString(16).toUpperCase().padStart(4, "0")}EMULATOR`;
    return (
      `<AssumedRoleUser>${xmlElements({ Arn: session.arn, AssumedRoleId: `${roleId}:${input.roleSessionName}` })}</AssumedRoleUser>` +
      `<Credentials>${xmlElements({
        AccessKeyId: session.accessKeyId,
        SecretAccessKey: session.secretAccessKey,
        SessionToken: session.sessionToken,
        Expiration: iso(session.expiresAt!),
      })}</Credentials>` +
      xmlElements({ PackedPolicySize: 6 })
    );
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? "/";
    if (url.startsWith(CONTROL_PREFIX)) return handleControl(req, res, { clock: identities.clock });
    const body = Buffer.from(await readText(req, 64 * 1024));
    const q = url.indexOf("?");
    const query = parseQuery(q < 0 ? "" : url.slice(q + 1));
    const rawPath = q < 0 ? url : url.slice(0, q);
    const verified = await verifySigV4({ method: req.method ?? "POST", rawPath, query, headers: req.headers, body }, { store: identities, service: "sts", region });
    if (!verified.ok) throw authError(verified);
    const form = String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")
      ? parseQuery(body.toString("utf8").replace(/\+/g, "%20"))
      : {};
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...query, ...form })) params[k] = Array.isArray(v) ? v[0]! : v;
    switch (params["Action"]) {
      case "AssumeRole":
        return respond(res, "AssumeRole", assumeRole(verified.identity, params));
      case "GetCallerIdentity": {
        const id = verified.identity;
        return respond(res, "GetCallerIdentity", xmlElements({ UserId: id.accessKeyId, Account: id.arn.split(":")[4], Arn: id.arn }));
      }
      default:
        throw new StsError(400, "InvalidAction", `Could not find operation ${params["Action"] ?? "(none)"} for version ${params["Version"] ?? "(none)"}`);
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) =>
      sendError(res, error instanceof StsError ? error : new StsError(500, "InternalFailure", String((error as Error)?.message ?? error))),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    region,
    identities,
    clock: identities.clock,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
