import { describe, expect, it } from "vitest";
import { tokenUrlOf } from "../src/endpoints.js";

describe("token endpoint", () => {
  it.each([
    ["NA", "https://api.amazon.com/auth/o2/token"],
    ["EU", "https://api.amazon.co.uk/auth/o2/token"],
    ["FE", "https://api.amazon.co.jp/auth/o2/token"],
  ] as const)("is Amazon's for region %s", (region, url) => {
    expect(tokenUrlOf(region, undefined)).toBe(url);
  });

  it("is the host's override for every region, a bare host getting the token path", () => {
    expect(tokenUrlOf("EU", "http://127.0.0.1:4010")).toBe("http://127.0.0.1:4010/auth/o2/token");
    expect(tokenUrlOf("EU", "http://127.0.0.1:4010/")).toBe("http://127.0.0.1:4010/auth/o2/token");
    expect(tokenUrlOf("NA", "https://lwa.internal.example/oauth/token")).toBe("https://lwa.internal.example/oauth/token");
  });
});
