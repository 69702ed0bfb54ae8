import type { LwaRegion } from "./settings.js";

/** Amazon's Login with Amazon token endpoint of each Amazon Ads region. */
const TOKEN_URLS: Record<LwaRegion, string> = {
  NA: "https://api.amazon.com/auth/o2/token",
  EU: "https://api.amazon.co.uk/auth/o2/token",
  FE: "https://api.amazon.co.jp/auth/o2/token",
};

/** The host's `lwa_endpoint` wins over the region's endpoint; a bare host gets the token path. */
export function tokenUrlOf(region: LwaRegion, override: string | undefined): string {
  if (override === undefined) return TOKEN_URLS[region];
  const url = new URL(override);
  return url.pathname === "/" ? new URL("/auth/o2/token", url).href : url.href;
}
