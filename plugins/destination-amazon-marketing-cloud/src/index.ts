import { API_VERSION, definePlugin, implementationToken } from "@conveyor/core";
import { AmcDestination } from "./amc-destination.js";
import { AMC_JOB_SETTINGS, AMC_SECRETS, amcSettings, checkAmcSettings } from "./settings.js";

export { amcSettings, checkAmcSettings, type AmcSettings } from "./settings.js";
export { bucketPolicy } from "./actions.js";

export default definePlugin({
  id: "amazon-marketing-cloud",
  kind: "destination",
  version: "0.1.0",
  apiVersion: API_VERSION,
  displayName: "Amazon Marketing Cloud",
  description: "Uploads hashed-PII datasets to Amazon Marketing Cloud through an S3 staging bucket, deletes identities, and creates rule-based audiences for Amazon DSP.",
  settings: amcSettings,
  accepts: ["aws"],
  secrets: [...AMC_SECRETS],
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
