import { API_VERSION, definePlugin, implementationToken } from "@conveyor/core";
import { LoginWithAmazonCredential } from "./lwa-credential.js";
import { LWA_SECRETS, lwaPlatformSettings, lwaSettings } from "./settings.js";

export const LOGIN_WITH_AMAZON_ID = "login-with-amazon";

export default definePlugin({
  id: LOGIN_WITH_AMAZON_ID,
  kind: "credential",
  version: "0.1.0",
  apiVersion: API_VERSION,
  displayName: "Login with Amazon",
  description: "A Login with Amazon client (id and secret) and refresh token, resolved to access tokens for the Amazon Ads APIs (Amazon Marketing Cloud) that renew themselves before they expire.",
  settings: lwaSettings,
  secrets: [...LWA_SECRETS],
  platformSettings: lwaPlatformSettings,
  // What a destination's credential role accepts to take this connection (LoginWithAmazonConnection).
  provides: LOGIN_WITH_AMAZON_ID,
  register(container) {
    container.register(implementationToken("credential", LOGIN_WITH_AMAZON_ID), { useClass: LoginWithAmazonCredential });
  },
});

export { LoginWithAmazonCredential } from "./lwa-credential.js";
export { isLoginWithAmazonConnection, requireLoginWithAmazonConnection, type LoginWithAmazonConnection } from "./connection.js";
export { LWA_REGIONS, lwaPlatformSettings, lwaSettings, type LwaPlatformSettings, type LwaRegion, type LwaSettings } from "./settings.js";
