import { z } from "@conveyor/core";
import { bucketNameProblem } from "./bucket-name.js";

/** A bucket name (or access point alias/ARN) checked against S3's naming rules before any call. */
export const bucketNameSchema = z.string().superRefine((value, ctx) => {
  const problem = bucketNameProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});
