import { describe, expect, it } from "vitest";
import { z } from "@conveyor/core";
import { bucketNameProblem, bucketNameSchema } from "../src/index.js";

describe("bucket names", () => {
  it.each(["exports", "my.bucket-1", "exports-ap-1a2b3c4d5e6f7g8h9i0j1k2l3m4n5o-s3alias"])("accepts %s", (name) => {
    expect(bucketNameProblem(name)).toBeUndefined();
  });

  it.each([
    ["Exports", "may contain only lowercase"],
    ["ab", "must be 3–63 characters"],
    ["bad_alias-s3alias", "not a valid access point alias"],
  ])("refuses %s (%s)", (name, message) => expect(bucketNameProblem(name)).toContain(message));

  it.each(["arn:aws:s3:us-east-1:123456789012:accesspoint/exports-ap", "arn:aws-cn:s3:cn-north-1:123456789012:accesspoint:exports-ap"])(
    "refuses the access point ARN %s under the setting's name, pointing to the alias",
    (arn) => {
      const result = z.object({ bucket: bucketNameSchema }).safeParse({ bucket: arn });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(["bucket"]);
      expect(result.error?.issues[0]?.message).toMatch(/^is an access point ARN, which is not supported as the bucket; use the access point's alias instead \(name-…-s3alias/);
      expect(result.error?.issues[0]?.message).not.toContain(arn);
    },
  );
});
