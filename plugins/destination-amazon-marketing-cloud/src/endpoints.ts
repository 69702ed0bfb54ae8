import type { AmcSettings } from "./settings.js";

/** Advertising API hosts and Login with Amazon token URLs per region. */
const REGION_HOSTS = {
  NA: { amc: "https://advertising-api.amazon.com", lwa: "https://api.amazon.com/auth/o2/token", marketplace: "ATVPDKIKX0DER" },
  EU: { amc: "https://advertising-api-eu.amazon.com", lwa: "https://api.amazon.co.uk/auth/o2/token", marketplace: "A1F83G8C2ARO7P" },
  FE: { amc: "https://advertising-api-fe.amazon.com", lwa: "https://api.amazon.co.jp/auth/o2/token", marketplace: "A1VC38T7YXB528" },
} as const;

export interface Endpoints {
  amc: string;
  lwa: string;
  marketplaceId: string;
}

/** Explicit `amc_endpoint` / `lwa_endpoint` (emulators) win over the region's hosts. */
export function endpointsOf(s: Pick<AmcSettings, "region" | "amc_endpoint" | "lwa_endpoint" | "marketplace_id">): Endpoints {
  const region = REGION_HOSTS[s.region];
  return {
    amc: (s.amc_endpoint ?? region.amc).replace(/\/+$/, ""),
    lwa: lwaTokenUrl(s.lwa_endpoint ?? region.lwa),
    marketplaceId: s.marketplace_id ?? region.marketplace,
  };
}

/** An endpoint given as a bare host (`http://127.0.0.1:4000`) gets the token path. */
function lwaTokenUrl(endpoint: string): string {
  const url = new URL(endpoint);
  return url.pathname === "/" || url.pathname === "" ? `${url.origin}/auth/o2/token` : url.href;
}
