/** The AMC API's paths → operation names and handlers (headers are checked by the server first). */
import type { Audiences } from "./audiences.js";
import { validateCreateDataSet } from "./datasets.js";
import type { Deletions } from "./deletions.js";
import { AmcError } from "./errors.js";
import { page, type AmcStore } from "./store.js";
import type { Uploads } from "./uploads.js";

/** An AMC account as `GET /amc/accounts` lists it. */
export interface AmcAccount {
  accountId: string;
  accountName: string;
  marketplaceId: string;
}

export interface Services {
  instanceId: string;
  /** The accounts the credentials see, the instance's own first. */
  accounts: AmcAccount[];
  store: AmcStore;
  uploads: Uploads;
  deletions: Deletions;
  audiences: Audiences;
}

export type Api = "token" | "accounts" | "advertiserData" | "audiences";

export interface Route {
  operation: string;
  api: Api;
  /** The instance id in the path (advertiser data calls). */
  instanceId?: string;
  /** Answers the JSON body (status 200) or throws an AmcError. */
  handle(services: Services, body: unknown, query: URLSearchParams): unknown;
}

const seg = "([^/]+)";
const TABLE: Array<[method: string, pattern: RegExp, operation: string, handle: (s: Services, args: string[], body: unknown, query: URLSearchParams) => unknown]> = [
  ["GET", /^\/amc\/accounts$/, "ListAccounts", (s) => ({ amcAccounts: s.accounts.map((a) => ({ ...a })) })],
  ["POST", new RegExp(`^/amc/advertiserData/${seg}/dataSets$`), "CreateDataSet", (s, _a, body) => {
    const dataSet = validateCreateDataSet(body);
    if (s.store.dataSets.has(dataSet.dataSetId)) throw new AmcError("CONFLICT", `Data set ${dataSet.dataSetId} already exists`);
    s.store.dataSets.set(dataSet.dataSetId, dataSet);
    s.store.rows.set(dataSet.dataSetId, []);
    return { dataSetId: dataSet.dataSetId, instanceId: s.instanceId };
  }],
  ["POST", new RegExp(`^/amc/advertiserData/${seg}/dataSets/list$`), "ListDataSets", (s, _a, _b, query) => {
    const { items, nextToken } = page([...s.store.dataSets.values()], query);
    return { dataSets: items, ...(nextToken ? { nextToken } : {}) };
  }],
  ["GET", new RegExp(`^/amc/advertiserData/${seg}/dataSets/${seg}$`), "GetDataSet", (s, [id]) => ({ dataSet: s.store.dataSet(id!) })],
  ["POST", new RegExp(`^/amc/advertiserData/${seg}/uploads/list$`), "ListUploads", (s, _a, _b, query) => s.uploads.list(query)],
  ["POST", new RegExp(`^/amc/advertiserData/${seg}/uploads/${seg}$`), "CreateUpload", (s, [id], body) => s.uploads.create(id!, body)],
  ["GET", new RegExp(`^/amc/advertiserData/${seg}/uploads/${seg}/${seg}$`), "GetUpload", (s, [id, upload]) => s.uploads.get(id!, upload!)],
  ["POST", new RegExp(`^/amc/advertiserData/${seg}/userDeletionRequest$`), "CreateUserDeletionRequest", (s, _a, body) => s.deletions.create(body)],
  ["POST", new RegExp(`^/amc/advertiserData/${seg}/userDeletionRequest/list$`), "ListUserDeletionRequests", (s, _a, _b, query) => s.deletions.list(query)],
  ["GET", new RegExp(`^/amc/advertiserData/${seg}/userDeletionRequest/${seg}$`), "GetUserDeletionRequest", (s, [id]) => s.deletions.get(id!)],
  ["POST", /^\/amc\/audiences\/query$/, "CreateAudience", (s, _a, body) => s.audiences.create(body)],
  ["GET", /^\/amc\/audiences\/query$/, "ListAudiences", (s, _a, _b, query) => s.audiences.list(query)],
  ["GET", new RegExp(`^/amc/audiences/query/${seg}$`), "GetAudience", (s, [id]) => s.audiences.get(id!)],
];

export function findRoute(method: string, path: string): Route | undefined {
  if (method === "POST" && path === "/auth/o2/token") return { operation: "Token", api: "token", handle: () => undefined };
  for (const [m, pattern, operation, handle] of TABLE) {
    const match = m === method ? pattern.exec(path) : null;
    if (!match) continue;
    const groups = match.slice(1).map(decodeURIComponent);
    const advertiserData = path.startsWith("/amc/advertiserData/");
    return {
      operation,
      api: advertiserData ? "advertiserData" : path === "/amc/accounts" ? "accounts" : "audiences",
      ...(advertiserData ? { instanceId: groups[0]! } : {}),
      handle: (services, body, query) => handle(services, advertiserData ? groups.slice(1) : groups, body, query),
    };
  }
  return undefined;
}
