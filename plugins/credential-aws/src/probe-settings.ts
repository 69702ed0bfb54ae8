import { z } from "@conveyor/core";
import { bucketNameSchema } from "@conveyor/aws";

/** The optional bucket (and probe options) both credentials use for their connection test. */
export const probeSettings = {
  bucket: bucketNameSchema.optional().describe("A bucket to probe in the connection test (a write, then a delete, under probe_prefix)."),
  probe_prefix: z.string().default("").describe("Where the connection test writes its probe object; keep it inside the destination's prefix."),
  probe_cleanup: z.boolean().default(true).describe("Delete the probe object afterwards (needs s3:DeleteObject)."),
};
