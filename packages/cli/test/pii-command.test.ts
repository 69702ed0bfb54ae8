import { createHash } from "node:crypto";
import { PassThrough, Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { piiCommand } from "../src/commands/pii.js";

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString("utf8") };
}

async function run(args: string[], stdinText = ""): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const stdout = capture();
  const stderr = capture();
  const command = piiCommand({ stdin: Readable.from([stdinText]), stdout: stdout.stream, stderr: stderr.stream });
  await command.parseAsync(args, { from: "user" });
  const exitCode = Number(process.exitCode ?? 0);
  return { stdout: stdout.text(), stderr: stderr.text(), exitCode };
}

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

afterEach(() => {
  process.exitCode = undefined;
});

describe("conveyor pii", () => {
  it("normalizes an address given as an argument", async () => {
    const { stdout, exitCode } = await run(["normalize", "--type", "ADDRESS", "--country", "US", "8 Bluestem Terrace"]);
    expect(stdout).toBe("8bluestemter\n");
    expect(exitCode).toBe(0);
  });

  it("hashes several arguments, one line each, with the spec's hashes", async () => {
    const { stdout } = await run(["hash", "--type", "PHONE", "--country", "JP", "7527903759", "+1 (413) 871-4499"]);
    expect(stdout).toBe(
      "c5ecf97c4939cd03aafad5257ebf862eb1d96dfe9a838def5eebd963e874cced\ned4f1d5e1d3e44fefa8dbc7e1ed7d1ada51311f88d95d8c4e55624d38735088c\n",
    );
  });

  it("reads values one per line from stdin (CRLF too) when no value is given; invalid lines print empty and are counted", async () => {
    const { stdout, stderr, exitCode } = await run(["hash", "--type", "email"], "abc@example.com\r\nnot-an-email\n Fchecketts0@Webeden.co.uk\n");
    expect(stdout).toBe(`${sha256("abc@example.com")}\n\n${sha256("fchecketts0@webeden.co.uk")}\n`);
    expect(stderr).toBe("1 of 3 values invalid for EMAIL (printed as empty lines)\n");
    expect(exitCode).toBe(0);
  });

  it("defaults to the US", async () => {
    const { stdout } = await run(["normalize", "--type", "PHONE", "5714120599"]);
    expect(stdout).toBe("15714120599\n");
  });

  it("refuses an unknown --type naming the option and the allowed types, exit code 2", async () => {
    const { stdout, stderr, exitCode } = await run(["hash", "--type", "SSN", "123"]);
    expect(stdout).toBe("");
    expect(stderr).toContain('--type "SSN"');
    expect(stderr).toContain("EMAIL, FIRST_NAME, LAST_NAME, PHONE, ADDRESS, CITY, STATE, ZIP, COUNTRY_CODE");
    expect(exitCode).toBe(2);
  });

  it("a missing --type is a usage error written to stderr, thrown for the caller to map to exit code 2", async () => {
    const stderr = capture();
    const command = piiCommand({ stdin: Readable.from([""]), stdout: capture().stream, stderr: stderr.stream });
    await expect(command.parseAsync(["hash", "x"], { from: "user" })).rejects.toMatchObject({ code: "commander.missingMandatoryOptionValue" });
    expect(stderr.text()).toContain("--type");
  });

  it("refuses an unknown --country naming the option and what is allowed, exit code 2", async () => {
    const { stderr, exitCode } = await run(["normalize", "--type", "ZIP", "--country", "XY", "12345"]);
    expect(stderr).toContain('--country "XY"');
    expect(stderr).toContain("allowed: US, CA, GB, FR, DE, ES, IT, JP, IN");
    expect(exitCode).toBe(2);
    // Amazon's uploader refuses UK; the United Kingdom is GB.
    expect((await run(["normalize", "--type", "ZIP", "--country", "UK", "SW1A 1AA"])).exitCode).toBe(2);
  });
});
