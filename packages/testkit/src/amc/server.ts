/**
 * The Amazon Marketing Cloud emulator: the advertiser-data and rule-based-audience APIs and the
 * Login with Amazon token endpoint on one loopback HTTP server. Uploads are read from the S3
 * emulator as AMC's data-upload account would read them.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { S3Client } from "@aws-sdk/client-s3";
import type { EmulatorClock } from "../aws/clock.js";
import { CONTROL_PREFIX } from "../aws/control-endpoint.js";
import type { Identity } from "../aws/identities.js";
import { readText } from "../aws/proxy.js";
import type { S3Emulator } from "../aws/s3-front.js";
import { Audiences, type AudienceView } from "./audiences.js";
import { handleAmcControl } from "./control.js";
import type { DataSet } from "./datasets.js";
import { Deletions, type DeletionView } from "./deletions.js";
import { AmcError, badRequest, errorReply, type Reply } from "./errors.js";
import { AmcFaults, type AmcFaultSpec } from "./faults.js";
import { checkHeaders, EXPIRED_TOKEN_DETAILS, TERMS_NOT_ACCEPTED_DETAILS } from "./headers.js";
import { ids } from "./ids.js";
import { JobQueue, type JobDelays } from "./jobs.js";
import { LwaStore, type LwaClient } from "./lwa.js";
import { findRoute, type AmcAccount, type Services } from "./routes.js";
import { userIdOf, type Row } from "./rows.js";
import { AmcStore } from "./store.js";
import { Uploads, type UploadView } from "./uploads.js";

export interface AmcEmulatorOptions {
  /** The S3 emulator uploads are read from (its identity store gets the data-upload account). */
  s3: S3Emulator;
  port?: number;
  /** Default the S3 emulator's clock, so one `advance()` moves tokens, sessions and jobs together. */
  clock?: EmulatorClock;
  instanceId?: string;
  /** The AMC account (`ENTITY…`), sent as Amazon-Advertising-API-AdvertiserId / -EntityId. */
  accountId?: string;
  /** Other accounts the credentials see: `GET /amc/accounts` lists them after the instance's own. */
  otherAccounts?: Array<Partial<AmcAccount> & { accountId: string }>;
  /** The Amazon DSP advertiser audiences are created for. */
  advertiserId?: string;
  /** Default `ATVPDKIKX0DER` (amazon.com). */
  marketplaceId?: string;
  /** AMC's data-upload AWS account (12 digits); its identity reads the buckets in `buckets`. */
  dataUploadAccountId?: string;
  /** Buckets the data-upload account may read from the start (see `grantBucket`). */
  buckets?: string[];
  /** The Login with Amazon client; default random ids and secrets. */
  lwa?: Partial<LwaClient>;
  /** Access token lifetime; default 3600. */
  tokenLifetimeSeconds?: number;
  /** When jobs start and finish on the clock; default `{ startMs: 200, finishMs: 1000 }`. */
  delays?: Partial<JobDelays>;
  /** Default 2000 (Amazon DSP's minimum). */
  minAudienceSize?: number;
}

export interface AmcRequestRecord {
  operation: string;
  method: string;
  path: string;
  /** 0 when the response was dropped. */
  status: number;
}

export interface AmcEmulator {
  /** `http://127.0.0.1:PORT` — the advertising API host. */
  endpoint: string;
  /** `${endpoint}/auth/o2/token`. */
  lwaEndpoint: string;
  port: number;
  instanceId: string;
  accountId: string;
  /** What `GET /amc/accounts` lists: the instance's account first. */
  accounts: AmcAccount[];
  advertiserId: string;
  marketplaceId: string;
  dataUploadAccountId: string;
  /** The S3 identity AMC reads uploads with. */
  dataUploadIdentity: Identity;
  /** The LwA client id, secret and a valid refresh token. */
  lwa: LwaClient;
  /** Issued tokens; `revoke(refreshToken)`, `expireAll()`, `addClient()`, `issued`. */
  tokens: LwaStore;
  clock: EmulatorClock;
  delays: JobDelays;
  faults: AmcFaults;
  /** Every request, oldest first. */
  readonly requests: ReadonlyArray<AmcRequestRecord>;
  /** False: every AMC call answers 401 TERMS_NOT_ACCEPTED (the token endpoint still works). */
  termsAccepted: boolean;
  /** Lets the data-upload account read the bucket (the seed's bucket policy, applied). */
  grantBucket(bucket: string): void;
  dataSet(id: string): DataSet | undefined;
  /** A dataset's stored rows (after due jobs finish), each with the `user_id` AMC resolved. */
  rows(dataSetId: string): Promise<Array<Row & { user_id: string | null }>>;
  uploads(dataSetId?: string): Promise<UploadView[]>;
  deletions(): Promise<Array<DeletionView & { removedRows: Record<string, number> }>>;
  audience(id: string): Promise<AudienceView>;
  /** Waits for background S3 reads, then finishes every job that is due. */
  settle(): Promise<void>;
  /** Moves the clock past `finishMs` and settles: every job created so far is finished. */
  finishJobs(): Promise<void>;
  close(): Promise<void>;
}

const READ_ACTIONS = ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging", "s3:ListBucket", "s3:GetBucketTagging", "s3:GetBucketLocation"];

function faultReply(fault: AmcFaultSpec, tokenEndpoint: boolean): Reply | undefined {
  const oauth = (status: number, error: string): Reply => ({ status, body: { error, error_description: `emulated ${fault.type}` } });
  switch (fault.type) {
    case "throttle": {
      const headers = { "retry-after": String(fault.retryAfterSeconds ?? 1) };
      return tokenEndpoint ? { ...oauth(429, "too_many_requests"), headers } : errorReply(new AmcError("TOO_MANY_REQUESTS", "Too many requests; retry after the Retry-After delay", undefined, headers));
    }
    case "internal-error": return tokenEndpoint ? oauth(500, "server_error") : errorReply(new AmcError("INTERNAL_ERROR", "Internal server error; retry later"));
    case "gateway-timeout": return tokenEndpoint ? oauth(504, "temporarily_unavailable") : errorReply(new AmcError("GATEWAY_TIMEOUT", "Gateway timeout waiting on an upstream service; retry later"));
    case "expired-token": return errorReply(new AmcError("UNAUTHORIZED", EXPIRED_TOKEN_DETAILS));
    case "terms-not-accepted": return errorReply(new AmcError("TERMS_NOT_ACCEPTED", TERMS_NOT_ACCEPTED_DETAILS));
    default: return undefined;
  }
}

function parseJson(text: string, contentType: string | undefined): unknown {
  if (text === "") return undefined;
  // AMC accepts application/json and its vendor types (application/vnd.amcadvertiserdataset.v1+json, …).
  if (contentType && !/^application\/(json|vnd\.[\w.-]+\+json)\b/i.test(contentType)) {
    throw new AmcError("UNSUPPORTED_MEDIA_TYPE", `Content-Type ${contentType} is not supported; send application/json`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest("The request body is not valid JSON");
  }
}

/** LwA takes a form body (what the spec and Amazon's docs show); a JSON body is accepted too, as LwA does. */
function tokenForm(text: string, contentType: string | undefined): URLSearchParams {
  if (!/json/i.test(contentType ?? "")) return new URLSearchParams(text);
  try {
    return new URLSearchParams(Object.entries(JSON.parse(text) as Record<string, unknown>).map(([k, v]): [string, string] => [k, String(v)]));
  } catch {
    return new URLSearchParams();
  }
}

export async function startAmcEmulator(options: AmcEmulatorOptions): Promise<AmcEmulator> {
  const { s3 } = options;
  const clock = options.clock ?? s3.clock;
  const instanceId = options.instanceId ?? ids.instance();
  const accountId = options.accountId ?? ids.account();
  const dataUploadAccountId = options.dataUploadAccountId ?? ids.awsAccount();
  const advertiserId = options.advertiserId ?? ids.advertiser();
  const delays: JobDelays = { startMs: 200, finishMs: 1000, ...options.delays };
  const tokens = new LwaStore(clock, options.tokenLifetimeSeconds ?? 3600);
  const lwa = tokens.addClient(options.lwa);
  const faults = new AmcFaults();
  const requests: AmcRequestRecord[] = [];

  const dataUploadIdentity = s3.identities.addUser({
    accessKeyId: `AKIA${randomBytes(8).toString("hex").toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString("base64"),
    arn: `arn:aws:iam::${dataUploadAccountId}:root`,
  });
  const s3Client = new S3Client({
    endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, maxAttempts: 2,
    credentials: { accessKeyId: dataUploadIdentity.accessKeyId, secretAccessKey: dataUploadIdentity.secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED",
  });
  const store = new AmcStore();
  const queue = new JobQueue(clock, delays);
  const marketplaceId = options.marketplaceId ?? "ATVPDKIKX0DER";
  const accounts: AmcAccount[] = [{ accountId }, ...(options.otherAccounts ?? [])].map((a, i) => ({
    accountName: `AMC account ${i + 1}`, marketplaceId, ...a,
  }));
  const services: Services = {
    instanceId,
    accounts,
    store,
    uploads: new Uploads(store, queue, { s3: s3Client, instanceId, dataUploadAccountId }),
    deletions: new Deletions(store, queue),
    audiences: new Audiences(store, queue, instanceId, advertiserId, options.minAudienceSize ?? 2000),
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname.startsWith(CONTROL_PREFIX)) return handleAmcControl(req, res, amc);
    const method = req.method ?? "GET";
    const route = findRoute(method, url.pathname);
    const operation = route?.operation ?? "Unknown";
    let drop = false;
    let reply: Reply;
    try {
      const text = await readText(req, 8 << 20).catch((error: unknown) => {
        throw badRequest(`The request body could not be read: ${(error as Error).message}`);
      });
      if (!route) throw new AmcError("NOT_FOUND", `No AMC operation at ${method} ${url.pathname}`);
      let faulted: Reply | undefined;
      for (const fault of faults.take(operation)) {
        if (fault.type === "latency") await sleep(fault.ms ?? 0);
        else if (fault.type === "drop-response") drop = true;
        else faulted = faultReply(fault, route.api === "token");
      }
      if (faulted) reply = faulted;
      else if (route.api === "token") reply = tokens.token(tokenForm(text, req.headers["content-type"]));
      else {
        checkHeaders(route, req.headers, tokens, { instanceId, accountId, marketplaceId: amc.marketplaceId, termsAccepted: amc.termsAccepted });
        const body = parseJson(text, req.headers["content-type"]);
        queue.tick();
        reply = { status: 200, body: route.handle(services, body, url.searchParams) };
      }
    } catch (error) {
      reply = errorReply(error instanceof AmcError ? error : new AmcError("INTERNAL_ERROR", `Emulator error: ${(error as Error).message}`));
    }
    requests.push({ operation, method, path: url.pathname, status: drop ? 0 : reply.status });
    if (drop) {
      // Processed, never answered: the client sees the connection die (a timeout / reset).
      req.socket.destroy();
      return;
    }
    res.writeHead(reply.status, { "content-type": "application/json", "x-amzn-requestid": randomUUID(), ...reply.headers });
    res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ code: "INTERNAL_ERROR", details: String((error as Error)?.message ?? error), requestId: randomUUID() }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://127.0.0.1:${port}`;

  const settle = () => queue.settle();
  const amc: AmcEmulator = {
    endpoint,
    lwaEndpoint: `${endpoint}/auth/o2/token`,
    port,
    instanceId,
    accountId,
    accounts,
    advertiserId,
    marketplaceId,
    dataUploadAccountId,
    dataUploadIdentity,
    lwa,
    tokens,
    clock,
    delays,
    faults,
    requests,
    termsAccepted: true,
    grantBucket(bucket) {
      dataUploadIdentity.grants.push({ actions: READ_ACTIONS, resource: bucket }, { actions: READ_ACTIONS, resource: `${bucket}/*` });
    },
    dataSet: (id) => store.dataSets.get(id),
    async rows(dataSetId) {
      await settle();
      const dataSet = store.dataSet(dataSetId);
      return (store.rows.get(dataSetId) ?? []).map((row) => ({ ...row, user_id: userIdOf(dataSet, row) }));
    },
    async uploads(dataSetId) {
      await settle();
      return services.uploads.all().filter((u) => dataSetId === undefined || u.dataSetId === dataSetId);
    },
    async deletions() {
      await settle();
      return services.deletions.all();
    },
    async audience(id) {
      await settle();
      return services.audiences.get(id);
    },
    settle,
    async finishJobs() {
      clock.advance(delays.finishMs);
      await settle();
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      s3Client.destroy();
    },
  };
  for (const bucket of options.buckets ?? []) amc.grantBucket(bucket);
  return amc;
}
