/**
 * The header checks AMC makes before anything else: the Bearer token (from Login with Amazon, not
 * expired), the client id it was issued to, AMC's terms, and the account/instance/marketplace
 * headers of each API (none for `GET /amc/accounts`, which a client calls to learn its account).
 */
import type { IncomingHttpHeaders } from "node:http";
import { AmcError, badRequest } from "./errors.js";
import type { LwaStore } from "./lwa.js";
import type { Route } from "./routes.js";

export interface Expected {
  instanceId: string;
  accountId: string;
  marketplaceId: string;
  termsAccepted: boolean;
}

export const EXPIRED_TOKEN_DETAILS = "The access token has expired; refresh it with Login with Amazon";
export const TERMS_NOT_ACCEPTED_DETAILS = "The Amazon Marketing Cloud terms and conditions have not been accepted for this account; accept them in the AMC console";

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
};

function required(headers: IncomingHttpHeaders, name: string): string {
  const value = header(headers, name);
  if (!value) throw badRequest(`Missing required header ${name}`);
  return value;
}

export function checkHeaders(route: Route, headers: IncomingHttpHeaders, lwa: LwaStore, expected: Expected): void {
  const token = lwa.check(header(headers, "authorization"));
  if (!token.ok) {
    const details = {
      missing: "Missing Authorization header with a Bearer access token",
      unknown: "The access token is not valid",
      expired: EXPIRED_TOKEN_DETAILS,
    }[token.reason];
    throw new AmcError("UNAUTHORIZED", details);
  }
  const clientId = required(headers, "Amazon-Advertising-API-ClientId");
  if (clientId !== token.clientId) throw new AmcError("UNAUTHORIZED", "Amazon-Advertising-API-ClientId is not the client the access token was issued to");
  if (!expected.termsAccepted) throw new AmcError("TERMS_NOT_ACCEPTED", TERMS_NOT_ACCEPTED_DETAILS);
  // Listing accounts is how a client learns its account id: no account or marketplace header yet.
  if (route.api === "accounts") return;

  const [accountHeader, instance] = route.api === "advertiserData"
    ? ["Amazon-Advertising-API-AdvertiserId", route.instanceId!]
    : ["Amazon-Advertising-API-EntityId", required(headers, "Amazon-Marketing-Cloud-Audience-InstanceId")];
  const account = required(headers, accountHeader);
  if (route.api === "advertiserData") {
    const marketplace = required(headers, "Amazon-Advertising-API-MarketplaceId");
    if (marketplace !== expected.marketplaceId) throw badRequest(`Amazon-Advertising-API-MarketplaceId ${marketplace} is not the marketplace of this account (${expected.marketplaceId})`);
  }
  if (account !== expected.accountId) throw new AmcError("FORBIDDEN", `${accountHeader} ${account} has no access to this AMC instance`);
  if (instance !== expected.instanceId) throw new AmcError("NOT_FOUND", `AMC instance ${instance} does not exist for account ${account}`);
}
