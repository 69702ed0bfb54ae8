import { describe, expect, it } from "vitest";
import { bucketPolicy } from "../src/actions.js";
import { endpointsOf } from "../src/endpoints.js";

describe("hosts per region, and overrides for emulators", () => {
  it("uses the region's advertising API host, LwA token URL and marketplace", () => {
    expect(endpointsOf({ region: "NA" })).toEqual({ amc: "https://advertising-api.amazon.com", lwa: "https://api.amazon.com/auth/o2/token", marketplaceId: "ATVPDKIKX0DER" });
    expect(endpointsOf({ region: "EU" }).amc).toBe("https://advertising-api-eu.amazon.com");
    expect(endpointsOf({ region: "FE", marketplace_id: "A39IBJ37TRP1C6" })).toMatchObject({ amc: "https://advertising-api-fe.amazon.com", marketplaceId: "A39IBJ37TRP1C6" });
  });

  it("takes explicit endpoints; a bare LwA origin gets the token path", () => {
    expect(endpointsOf({ region: "NA", amc_endpoint: "http://127.0.0.1:4000/", lwa_endpoint: "http://127.0.0.1:4000" })).toMatchObject({ amc: "http://127.0.0.1:4000", lwa: "http://127.0.0.1:4000/auth/o2/token" });
    expect(endpointsOf({ region: "NA", lwa_endpoint: "http://127.0.0.1:5000/custom/token" }).lwa).toBe("http://127.0.0.1:5000/custom/token");
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
