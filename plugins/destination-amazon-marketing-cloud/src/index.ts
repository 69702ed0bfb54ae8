import { AWS_CREDENTIAL_KIND } from "@conveyor/aws";
import { API_VERSION, definePlugin, implementationToken } from "@conveyor/core";
import { LOGIN_WITH_AMAZON_ID } from "@conveyor/credential-login-with-amazon";
import { AmcDestination } from "./amc-destination.js";
import { AMC_JOB_SETTINGS, amcSettings, checkAmcSettings } from "./settings.js";
import { API_CREDENTIAL, STAGING_CREDENTIAL } from "./upload-run.js";

export { amcSettings, checkAmcSettings, type AmcAudienceSettings, type AmcDeleteSettings, type AmcSettings, type AmcUploadSettings } from "./settings.js";
export { bucketPolicy } from "./actions.js";

export default definePlugin({
  id: "amazon-marketing-cloud",
  kind: "destination",
  version: "0.1.0",
  apiVersion: API_VERSION,
  displayName: "Amazon Marketing Cloud",
  description: "Uploads hashed-PII datasets to Amazon Marketing Cloud through an S3 staging bucket, deletes identities, and creates rule-based audiences for Amazon DSP.",
  settings: amcSettings,
  // The Amazon Ads API's Login with Amazon client and token; the S3 bucket uploads are staged in (uploads only).
  credentials: { [API_CREDENTIAL]: { accepts: [LOGIN_WITH_AMAZON_ID], required: true }, [STAGING_CREDENTIAL]: { accepts: [AWS_CREDENTIAL_KIND] } },
  jobSettings: [...AMC_JOB_SETTINGS],
  check: checkAmcSettings,
  // The csv formatter and gzip compressor it stages through, so a host lacking them is told at validation.
  composes: (s) =>
    s.target === "dataset" && s.operation === "upload"
      ? [
          { kind: "formatter", id: "csv", settings: { header: true, quote_mode: "minimal", split: { megabytes: s.part_megabytes } }, path: "operation", settingPaths: { split: "part_megabytes" } },
          { kind: "compressor", id: "gzip", settings: {}, path: "operation" },
        ]
      : [],
  register(container) {
    container.register(implementationToken("destination", "amazon-marketing-cloud"), { useClass: AmcDestination });
  },
});
