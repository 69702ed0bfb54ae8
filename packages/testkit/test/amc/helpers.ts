import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { startAmcEmulator, startS3Emulator, type AmcEmulator, type AmcEmulatorOptions, type S3Emulator } from "../../src/index.js";
import { s3Client } from "../aws/helpers.js";

export const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export interface World {
  s3: S3Emulator;
  amc: AmcEmulator;
  bucket: string;
  /** Writes an object as the customer would stage it (tagged instanceId unless told otherwise). */
  stage(key: string, body: string | Buffer, options?: { tag?: string | null; gzip?: boolean; bucket?: string }): Promise<void>;
  close(): Promise<void>;
}

/** S3 + AMC with a staging bucket AMC may read. Jobs only move when the test advances the clock (unless `delays` say otherwise). */
export async function startWorld(options: Partial<AmcEmulatorOptions> = {}): Promise<World> {
  const bucket = "amc-staging";
  const s3 = await startS3Emulator({ buckets: [bucket, "other-bucket"] });
  const amc = await startAmcEmulator({ s3, buckets: [bucket], delays: { startMs: 60_000, finishMs: 120_000 }, ...options });
  const writer = s3.identities.createUser("stager", [{ actions: ["s3:*"], resource: "*" }]);
  const client = s3Client(s3.endpoint, { accessKeyId: writer.accessKeyId, secretAccessKey: writer.secretAccessKey });
  return {
    s3, amc, bucket,
    async stage(key, body, { tag = amc.instanceId, gzip = true, bucket: target = bucket } = {}) {
      await client.send(new PutObjectCommand({
        Bucket: target, Key: key, Body: gzip ? gzipSync(body) : body,
        ...(tag === null ? {} : { Tagging: `instanceId=${encodeURIComponent(tag)}` }),
      }));
    },
    async close() {
      client.destroy();
      await amc.close();
      await s3.close();
    },
  };
}

export interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

/** A minimal AMC client: gets a token from LwA and sends the headers each API needs. */
export class AmcClient {
  private token: string | undefined;
  constructor(readonly amc: AmcEmulator, readonly overrides: Record<string, string | null> = {}) {}

  async refresh(): Promise<string> {
    const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: this.amc.lwa.refreshToken, client_id: this.amc.lwa.clientId, client_secret: this.amc.lwa.clientSecret });
    const res = await fetch(this.amc.lwaEndpoint, { method: "POST", body: form });
    const body = (await res.json()) as { access_token: string };
    this.token = body.access_token;
    return this.token;
  }

  headers(api: "data" | "audiences"): Record<string, string> {
    const base: Record<string, string | null> = {
      authorization: `Bearer ${this.token}`,
      "content-type": "application/json",
      "amazon-advertising-api-clientid": this.amc.lwa.clientId,
      ...(api === "data"
        ? { "amazon-advertising-api-advertiserid": this.amc.accountId, "amazon-advertising-api-marketplaceid": this.amc.marketplaceId }
        : { "amazon-marketing-cloud-audience-instanceid": this.amc.instanceId, "amazon-advertising-api-entityid": this.amc.accountId }),
      ...this.overrides,
    };
    return Object.fromEntries(Object.entries(base).filter((e): e is [string, string] => e[1] !== null));
  }

  async call(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<Answer> {
    if (!this.token) await this.refresh();
    const api = path.startsWith("/amc/audiences") ? "audiences" : "data";
    const res = await fetch(`${this.amc.endpoint}${path}`, {
      method, headers: { ...this.headers(api), ...extra }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text === "" ? undefined : JSON.parse(text), headers: res.headers };
  }

  data(method: string, rest: string, body?: unknown): Promise<Answer> {
    return this.call(method, `/amc/advertiserData/${this.amc.instanceId}${rest}`, body);
  }
}

export const emailColumn = { name: "email", columnType: "DIMENSION", dataType: "STRING", externalUserIdType: { hashedPii: "EMAIL" }, nullable: false };

/** A fact dataset: hashed email, a DATE event time, a segment and an amount. */
export function factDataSet(dataSetId: string) {
  return {
    dataSet: {
      dataSetId, period: "P1D", countryCode: "US",
      columns: [
        emailColumn,
        { name: "event_date", columnType: "DIMENSION", dataType: "DATE", isMainEventTime: true },
        { name: "segment", columnType: "DIMENSION", dataType: "STRING" },
        { name: "amount", columnType: "METRIC", dataType: "DECIMAL" },
      ],
    },
  };
}

/** A dimension dataset keyed by hashed email and phone. */
export function dimensionDataSet(dataSetId: string) {
  return {
    dataSet: {
      dataSetId,
      columns: [
        emailColumn,
        { name: "phone", columnType: "DIMENSION", dataType: "STRING", externalUserIdType: { hashedPii: "PHONE" } },
        { name: "tier", columnType: "DIMENSION", dataType: "STRING" },
      ],
    },
  };
}

export const csv = (header: string, rows: string[][]) => [header, ...rows.map((r) => r.join(","))].join("\n") + "\n";

export function uploadBody(key: string, strategy = "ADDITIVE", extra: Record<string, unknown> = {}) {
  return {
    updateStrategy: strategy, compressionFormat: "GZIP", countryCode: "US",
    dataSource: { sourceS3Bucket: "amc-staging", sourceFileS3Key: key }, fileFormat: { csvDataFormat: { fieldDelimiter: "," } },
    ...extra,
  };
}
