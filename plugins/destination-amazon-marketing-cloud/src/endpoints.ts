import type { LwaRegion } from "@conveyor/credential-login-with-amazon";
import type { AmcSettings } from "./settings.js";

/** Advertising API hosts and main marketplaces per region. */
const REGION_HOSTS = {
  NA: { amc: "https://advertising-api.amazon.com", marketplace: "ATVPDKIKX0DER" },
  EU: { amc: "https://advertising-api-eu.amazon.com", marketplace: "A1F83G8C2ARO7P" },
  FE: { amc: "https://advertising-api-fe.amazon.com", marketplace: "A1VC38T7YXB528" },
} as const;

export interface Endpoints {
  amc: string;
  marketplaceId: string;
}

/** The region's advertising API host and marketplace (the region the api credential names), unless the settings give them. */
export function endpointsOf(region: LwaRegion, s: Pick<AmcSettings, "amc_endpoint" | "marketplace_id">): Endpoints {
  const hosts = REGION_HOSTS[region];
  return {
    amc: (s.amc_endpoint ?? hosts.amc).replace(/\/+$/, ""),
    marketplaceId: s.marketplace_id ?? hosts.marketplace,
  };
}
