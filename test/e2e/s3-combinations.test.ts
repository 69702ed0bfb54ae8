import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { countRows, emulatorAdminClient, parseDelimited, readObjects, unpackObjects, type EmulatorsInfo } from "@conveyor/testkit";
import * as openpgp from "openpgp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { conveyor, finished, firstLine, start, workspace } from "../src/cli-process.js";

const ROWS = 400;
const FORMATS = ["csv", "tsv", "psv", "parquet"] as const;
const COMPRESSIONS = ["none", "gzip", "tar", "tgz", "zip"] as const;
const EXT = { csv: ".csv", tsv: ".tsv", psv: ".psv", parquet: ".parquet" } as const;

let cwd: string;
let emulators: ReturnType<typeof start>;
let info: EmulatorsInfo;
let admin: S3Client;
let key: { publicKey: string; privateKey: openpgp.PrivateKey };

beforeAll(async () => {
  const lines = ["id,email,first_name,signup_ts", ...Array.from({ length: ROWS }, (_, i) => `${i + 1},user${i + 1}@example.com,"Name, ${i}",2025-01-${String((i % 28) + 1).padStart(2, "0")}T10:00:00Z`)];
  cwd = await workspace({ "customers.csv": lines.join("\n") + "\n" });
  emulators = start(["emulators", "--json", "--write-config", "conveyor.config.yaml"], { cwd });
  info = JSON.parse(await firstLine(emulators)) as EmulatorsInfo;
  admin = emulatorAdminClient(info);
  const generated = await openpgp.generateKey({ type: "rsa", rsaBits: 2048, userIDs: [{ name: "e2e" }], format: "object" });
  key = { publicKey: generated.publicKey.armor(), privateKey: generated.privateKey };
});

afterAll(async () => {
  emulators?.kill("SIGTERM");
  if (emulators) await finished(emulators);
});

const objectsUnder = (prefix: string) => readObjects(admin, info.bucket, prefix);

/** The objects a combination lands as, under prefix P with T = "customers". */
function expectedKeys(format: (typeof FORMATS)[number], compression: (typeof COMPRESSIONS)[number], pgp: boolean): string[] {
  const pgpExt = pgp ? ".pgp" : "";
  if (compression === "tar" || compression === "tgz" || compression === "zip") return [`customers.${compression}${pgpExt}`];
  if (format === "parquet") return [`customers.parquet/part-00000.parquet${pgpExt}`];
  return [`customers${EXT[format]}${compression === "gzip" ? ".gz" : ""}${pgpExt}`];
}

describe("conveyor run: every format × compression × PGP against conveyor emulators", () => {
  for (const format of FORMATS) {
    for (const compression of COMPRESSIONS) {
      for (const pgp of [false, true]) {
        const refused = format === "parquet" && (compression === "gzip" || (pgp && compression === "none"));
        const name = `${format} + ${compression}${pgp ? " + pgp" : ""}`;
        it(refused ? `${name}: refused with exit 2, nothing written` : `${name}: ${expectedKeys(format, compression, pgp).join(", ")}`, async () => {
          const prefix = `e2e/${format}-${compression}${pgp ? "-pgp" : ""}`;
          const job = {
            name: "customers",
            input: { path: "./customers.csv" },
            schema: { columns: [{ name: "id", type: "long", nullable: false }, { name: "email", type: "string", pii: "EMAIL" }, { name: "first_name", type: "string" }, { name: "signup_ts", type: "timestamp" }] },
            credential: { plugin: "iam-role-to-role", settings: { target_role_arn: info.customer_role_arn, bucket: info.bucket } },
            destination: { plugin: "amazon-s3", settings: { prefix, format, compression, success_file: true, ...(pgp ? { pgp_public_key: key.publicKey } : {}) } },
            template: { file_name: "customers" },
          };
          const jobFile = `${prefix.replace(/\//g, "_")}.json`;
          await writeFile(join(cwd, jobFile), JSON.stringify(job));
          const result = await conveyor(["run", jobFile], { cwd });
          if (refused) {
            expect(result.code).toBe(2);
            expect(result.stderr).toContain("destination.settings.compression");
            expect((await objectsUnder(`${prefix}/`)).size).toBe(0);
            return;
          }
          expect(result.stderr).not.toContain("error");
          expect(result.code).toBe(0);
          const objects = await objectsUnder(`${prefix}/`);
          expect([...objects.keys()].sort()).toEqual([...expectedKeys(format, compression, pgp), "customers.DONE"].map((k) => `${prefix}/${k}`).sort());
          const done = JSON.parse(objects.get(`${prefix}/customers.DONE`)!.toString()) as { rows: number };
          objects.delete(`${prefix}/customers.DONE`);
          expect(done.rows).toBe(ROWS);
          const files = await unpackObjects(objects, { privateKey: key.privateKey });
          expect(await countRows(files)).toBe(ROWS);
          if (format === "csv") {
            const [header, first] = await parseDelimited([...files.values()][0]!, ",");
            expect(header).toEqual(["id", "email", "first_name", "signup_ts"]);
            expect(first).toEqual(["1", "user1@example.com", "Name, 0", "2025-01-01T10:00:00.000Z"]);
          }
        });
      }
    }
  }
});
