import { z } from "@conveyor/core";

export const LWA_REGIONS = ["NA", "EU", "FE"] as const;
export type LwaRegion = (typeof LWA_REGIONS)[number];

/** What a user types: the security profile's client and the refresh token its consent gave. */
export const lwaSettings = z
  .object({
    client_id: z
      .string()
      .regex(/^amzn1\.application-oa2-client\.[0-9a-z]+$/, "must be a Login with Amazon client id: amzn1.application-oa2-client. followed by letters and digits")
      .describe("The client id of the Login with Amazon security profile (amzn1.application-oa2-client.…)."),
    client_secret: z.string().min(1).describe("Secret: the security profile's client secret; use a reference such as ${env:LWA_CLIENT_SECRET}."),
    refresh_token: z.string().min(1).describe("Secret: the refresh token the OAuth consent gave (Atzr|…); use a reference such as ${env:LWA_REFRESH_TOKEN}."),
    region: z
      .enum(LWA_REGIONS)
      .default("NA")
      .describe("Where the Amazon Ads account is: NA, EU or FE; picks Amazon's token endpoint."),
  })
  .strict();

export type LwaSettings = z.output<typeof lwaSettings>;

export const LWA_SECRETS = ["client_secret", "refresh_token"] as const;

/**
 * What only the host sets. The token endpoint is here, not in the user's settings: whoever
 * chooses it receives the client secret and refresh token, so no tenant or job may point it
 * at a server of their own. Not strict: the platform settings are shared by every plugin.
 */
export const lwaPlatformSettings = z.object({
  lwa_endpoint: z
    .string()
    .regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, "must be an http(s) URL such as http://127.0.0.1:4000 or https://api.amazon.com/auth/o2/token")
    .optional()
    .describe("Overrides Amazon's Login with Amazon token URL for every region (emulators); a bare host gets the path /auth/o2/token."),
});

export type LwaPlatformSettings = z.output<typeof lwaPlatformSettings>;
