import { describe, expect, it } from "vitest";
import { bucketPolicy } from "../src/actions.js";
import { endpointsOf } from "../src/endpoints.js";

describe("hosts per region, and overrides for emulators", () => {
  it("uses the api credential's region for the advertising API host and marketplace", () => {
    expect(endpointsOf("NA", {})).toEqual({ amc: "https://advertising-api.amazon.com", marketplaceId: "ATVPDKIKX0DER" });
    expect(endpointsOf("EU", {}).amc).toBe("https://advertising-api-eu.amazon.com");
    expect(endpointsOf("FE", { marketplace_id: "A39IBJ37TRP1C6" })).toEqual({ amc: "https://advertising-api-fe.amazon.com", marketplaceId: "A39IBJ37TRP1C6" });
  });

  it("takes an explicit amc_endpoint, without a trailing slash", () => {
    expect(endpointsOf("EU", { amc_endpoint: "http://127.0.0.1:4000/" })).toMatchObject({ amc: "http://127.0.0.1:4000", marketplaceId: "A1F83G8C2ARO7P" });
  });
});

describe("the seed's bucket policy", () => {
  it("fills in the bucket and the data-upload account, or leaves the placeholder", () => {
    const policy = JSON.stringify(bucketPolicy("my-bucket", "123456789012"));
    expect(policy).toContain('"AWS":"arn:aws:iam::123456789012:root"');
    expect(policy).toContain('["arn:aws:s3:::my-bucket/*","arn:aws:s3:::my-bucket"]');
    expect(JSON.stringify(bucketPolicy("b"))).toContain("{{Data upload AWS account ID}}");
  });
});
