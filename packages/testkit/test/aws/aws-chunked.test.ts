import { describe, expect, it } from "vitest";
import { Readable } from "node:stream";
import { createAwsChunkedDecoder } from "../../src/aws/aws-chunked.js";

async function decode(pieces: Buffer[]): Promise<string> {
  const out: Buffer[] = [];
  for await (const chunk of Readable.from(pieces).pipe(createAwsChunkedDecoder())) out.push(chunk as Buffer);
  return Buffer.concat(out).toString();
}

describe("aws-chunked decoder", () => {
  const framed = Buffer.from(
    "5;chunk-signature=" + "a".repeat(64) + "\r\nhello\r\n" +
    "6;chunk-signature=" + "b".repeat(64) + "\r\n world\r\n" +
    "0;chunk-signature=" + "c".repeat(64) + "\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n",
  );

  it("keeps only the data, whole or fed one byte at a time", async () => {
    expect(await decode([framed])).toBe("hello world");
    expect(await decode([...framed].map((b) => Buffer.from([b])))).toBe("hello world");
  });

  it("handles unsigned chunks (STREAMING-UNSIGNED-PAYLOAD-TRAILER)", async () => {
    expect(await decode([Buffer.from("3\r\nabc\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n")])).toBe("abc");
  });

  it("fails clearly on a malformed chunk header", async () => {
    await expect(decode([Buffer.from("zz\r\nabc\r\n")])).rejects.toThrow(/bad chunk header/);
  });
});
