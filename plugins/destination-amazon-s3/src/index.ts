import { AWS_CREDENTIAL_KIND } from "@conveyor/aws";
import { API_VERSION, definePlugin, implementationToken } from "@conveyor/core";
import { S3Destination } from "./s3-destination.js";
import { checkS3Settings, s3Settings, stagesOf } from "./settings.js";

export default definePlugin({
  id: "amazon-s3",
  kind: "destination",
  version: "0.1.0",
  apiVersion: API_VERSION,
  displayName: "Amazon S3",
  description: "Sends files to an Amazon S3 bucket: Parquet, CSV, TSV or PSV; gzip, tar, tgz or zip; optionally PGP-encrypted; with a .DONE success file.",
  settings: s3Settings,
  // The bucket and the identity writing to it come from the job's AWS credential.
  credentials: { default: { accepts: [AWS_CREDENTIAL_KIND], required: true } },
  // A PGP public key is no secret, but it lives in a file: `${file:./partner.asc}` may name it.
  referenceSettings: ["pgp_public_key"],
  check: checkS3Settings,
  composes: (settings) => stagesOf(settings),
  register(container) {
    container.register(implementationToken("destination", "amazon-s3"), { useClass: S3Destination });
  },
});
