import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AmcClient, csv, dimensionDataSet, factDataSet, sha256, startWorld, uploadBody, type World } from "./helpers.js";

let world: World;
let client: AmcClient;
beforeAll(async () => {
  world = await startWorld();
  client = new AmcClient(world.amc);
  await client.data("POST", "/dataSets", factDataSet("purchases"));
  await client.data("POST", "/dataSets", dimensionDataSet("customers"));
});
afterAll(() => world.close());

const FACT_HEADER = "email,event_date,segment,amount";
const fact = (who: string, date: string, segment = "gold", amount = "1.50") => [sha256(who), date, segment, amount];

/** Stages the CSV, posts the upload, finishes the job on the clock and answers the upload. */
async function upload(dataSetId: string, key: string, body: string, strategy = "ADDITIVE", extra: Record<string, unknown> = {}) {
  await world.stage(key, body);
  const created = await client.data("POST", `/uploads/${dataSetId}`, uploadBody(key, strategy, extra));
  expect(created.status).toBe(200);
  await world.amc.finishJobs();
  return (await client.data("GET", `/uploads/${dataSetId}/${created.body.uploadId}`)).body.upload;
}

describe("uploads", () => {
  it("moves PENDING → IN_PROGRESS → COMPLETED on the clock and stores the rows with OutputRowCount", async () => {
    await world.stage("f/one.csv.gz", csv(FACT_HEADER, [fact("a@x.com", "2024-01-01"), fact("b@x.com", "2024-01-02")]));
    const created = await client.data("POST", "/uploads/purchases", uploadBody("f/one.csv.gz"));
    expect(created.body).toEqual({ uploadId: expect.any(String) });
    const status = async () => (await client.data("GET", `/uploads/purchases/${created.body.uploadId}`)).body.upload;
    expect((await status()).status).toBe("PENDING");
    world.amc.clock.advance(world.amc.delays.startMs);
    expect((await status()).status).toBe("IN_PROGRESS");
    world.amc.clock.advance(world.amc.delays.finishMs);
    await world.amc.settle();
    const done = await status();
    expect(done).toMatchObject({
      uploadId: created.body.uploadId, dataSetId: "purchases", status: "COMPLETED", metrics: { OutputRowCount: 2 },
      dataSource: { sourceS3Bucket: "amc-staging", sourceFileS3Key: "f/one.csv.gz" }, countryCode: "US",
    });
    expect(done.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const rows = await world.amc.rows("purchases");
    expect(rows).toEqual([
      { email: sha256("a@x.com"), event_date: "2024-01-01", segment: "gold", amount: "1.50", user_id: expect.stringMatching(/^amcuser-/) },
      { email: sha256("b@x.com"), event_date: "2024-01-02", segment: "gold", amount: "1.50", user_id: expect.stringMatching(/^amcuser-/) },
    ]);
    expect(rows[0]!.user_id).not.toBe(rows[1]!.user_id);
    await client.data("POST", "/uploads/purchases", uploadBody("f/one.csv.gz", "FULL_REPLACE")); // leave a clean slate
    await world.amc.finishJobs();
  });

  it("reads the objects as AMC's data-upload account, through the S3 front", async () => {
    const reads = world.s3.requests.filter((r) => r.key === "f/one.csv.gz").map((r) => r.operation);
    expect(reads).toEqual(expect.arrayContaining(["GetObjectTagging", "GetObject"]));
    expect(world.amc.dataUploadIdentity.arn).toBe(`arn:aws:iam::${world.amc.dataUploadAccountId}:root`);
  });

  it("applies ADDITIVE, FULL_REPLACE, OVERLAP_REPLACE and OVERLAP_KEEP to the stored rows", async () => {
    const dates = async () => (await world.amc.rows("purchases")).map((r) => `${r.event_date}:${r.segment}`);
    await upload("purchases", "s/base.csv.gz", csv(FACT_HEADER, [fact("a@x.com", "2024-02-01", "base"), fact("b@x.com", "2024-02-02", "base")]), "FULL_REPLACE");
    expect(await dates()).toEqual(["2024-02-01:base", "2024-02-02:base"]);

    const additive = await upload("purchases", "s/add.csv.gz", csv(FACT_HEADER, [fact("c@x.com", "2024-02-02", "add")]), "ADDITIVE");
    expect(additive.metrics.OutputRowCount).toBe(1);
    expect(await dates()).toEqual(["2024-02-01:base", "2024-02-02:base", "2024-02-02:add"]);

    // OVERLAP_REPLACE: every stored row of 2024-02-02 (the day the upload covers) is replaced.
    const replace = await upload("purchases", "s/rep.csv.gz", csv(FACT_HEADER, [fact("d@x.com", "2024-02-02", "rep"), fact("e@x.com", "2024-02-03", "rep")]), "OVERLAP_REPLACE");
    expect(replace.metrics.OutputRowCount).toBe(2);
    expect(await dates()).toEqual(["2024-02-01:base", "2024-02-02:rep", "2024-02-03:rep"]);

    // OVERLAP_KEEP: days that already hold data keep it; only 2024-02-04 is new.
    const keep = await upload("purchases", "s/keep.csv.gz", csv(FACT_HEADER, [fact("f@x.com", "2024-02-01", "keep"), fact("g@x.com", "2024-02-04", "keep")]), "OVERLAP_KEEP");
    expect(keep.metrics.OutputRowCount).toBe(1);
    expect(await dates()).toEqual(["2024-02-01:base", "2024-02-02:rep", "2024-02-03:rep", "2024-02-04:keep"]);

    const full = await upload("purchases", "s/full.csv.gz", csv(FACT_HEADER, [fact("h@x.com", "2024-03-01", "full")]), "FULL_REPLACE");
    expect(full.metrics.OutputRowCount).toBe(1);
    expect(await dates()).toEqual(["2024-03-01:full"]);
  });

  it("refuses OVERLAP_* strategies for a dimension dataset and malformed requests with 400", async () => {
    const cases: Array<[string, unknown, RegExp]> = [
      ["customers", uploadBody("k", "OVERLAP_REPLACE"), /fact data set/],
      ["purchases", uploadBody("k", "APPEND"), /updateStrategy must be one of/],
      ["purchases", uploadBody("k", "ADDITIVE", { compressionFormat: "LZ4" }), /compressionFormat/],
      ["purchases", uploadBody("k", "ADDITIVE", { dataSource: { sourceS3Bucket: "amc-staging", sourceFileS3Key: "k", sourceS3Prefix: "p/" } }), /exactly one of/],
      ["purchases", uploadBody("k", "ADDITIVE", { dataSource: { sourceFileS3Key: "k" } }), /sourceS3Bucket/],
      ["purchases", uploadBody("k", "ADDITIVE", { fileFormat: {} }), /fileFormat must have exactly one/],
      ["purchases", uploadBody("k", "ADDITIVE", { fileFormat: { jsonDataFormat: "ARRAY" } }), /LINES or DOCUMENT/],
      ["purchases", uploadBody("k", "ADDITIVE", { countryCode: "usa" }), /countryCode must be an ISO 3166-1 alpha-2/],
      ["purchases", uploadBody("k", "ADDITIVE", { countryCode: "UK" }), /countryCode must be an ISO 3166-1 alpha-2 .*got "UK"/],
      ["purchases", uploadBody("k", "ADDITIVE", { countryCode: "XX" }), /got "XX"/],
    ];
    for (const [dataSetId, body, details] of cases) {
      const answer = await client.data("POST", `/uploads/${dataSetId}`, body);
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      expect(answer.body.details).toMatch(details);
    }
    expect((await client.data("POST", "/uploads/nope_ds", uploadBody("k"))).status).toBe(404);
    expect((await client.data("GET", "/uploads/purchases/not-an-upload")).status).toBe(404);
  });

  it("FAILS an upload with AMC's message: tag, hashes, gzip, columns, types, access", async () => {
    const good = csv(FACT_HEADER, [fact("a@x.com", "2024-04-01")]);
    const staged = (key: string, body: string, options?: Parameters<World["stage"]>[2]) => async () => world.stage(key, body, options);
    const nothing = async () => undefined;
    const cases: Array<[key: string, stage: () => Promise<void>, extra: Record<string, unknown>, message: RegExp]> = [
      ["x/untagged.csv.gz", staged("x/untagged.csv.gz", good, { tag: null }), {}, /must be tagged instanceId=amc\w+; it has no instanceId tag/],
      ["x/othertag.csv.gz", staged("x/othertag.csv.gz", good, { tag: "amcother0000" }), {}, /its tag is instanceId=amcother0000/],
      ["x/plain.csv.gz", staged("x/plain.csv.gz", csv(FACT_HEADER, [["a@x.com", "2024-04-01", "g", "1"]])), {}, /row 2: column email hashed EMAIL must be a SHA-256 hex digest/],
      ["x/notgz.csv.gz", staged("x/notgz.csv.gz", good, { gzip: false }), {}, /is not gzip data/],
      ["x/extra.csv.gz", staged("x/extra.csv.gz", csv(`${FACT_HEADER},color`, [[...fact("a@x.com", "2024-04-01"), "red"]])), {}, /column "color" is not in data set purchases/],
      ["x/noevent.csv.gz", staged("x/noevent.csv.gz", csv("email,segment", [[sha256("a"), "g"]])), {}, /lack required column\(s\) event_date/],
      ["x/nullemail.csv.gz", staged("x/nullemail.csv.gz", csv(FACT_HEADER, [["", "2024-04-01", "g", "1"]])), {}, /column email is not nullable/],
      ["x/nodate.csv.gz", staged("x/nodate.csv.gz", csv(FACT_HEADER, [fact("a@x.com", "")])), {}, /column event_date is not nullable/],
      ["x/baddate.csv.gz", staged("x/baddate.csv.gz", csv(FACT_HEADER, [fact("a@x.com", "04/01/2024")])), {}, /column event_date must be a DATE yyyy-MM-dd/],
      ["x/baddec.csv.gz", staged("x/baddec.csv.gz", csv(FACT_HEADER, [fact("a@x.com", "2024-04-01", "g", "1.5.0")])), {}, /column amount must be a DECIMAL/],
      ["x/fields.csv.gz", staged("x/fields.csv.gz", csv(FACT_HEADER, [fact("a@x.com", "2024-04-01", "g", "1,5")])), {}, /has 5 fields; the header has 4/],
      ["x/other.csv.gz", staged("x/other.csv.gz", good, { bucket: "other-bucket" }), { dataSource: { sourceS3Bucket: "other-bucket", sourceFileS3Key: "x/other.csv.gz" } },
        new RegExp(`AccessDenied; the bucket policy must let the data-upload account ${world.amc.dataUploadAccountId}`)],
      ["x/none.csv.gz", nothing, {}, /could not read s3:\/\/amc-staging\/x\/none.csv.gz: NoSuchKey/],
      ["x/_part.csv.gz", nothing, {}, /must not start with/],
      ["x/p.parquet", staged("x/p.parquet", good), { fileFormat: { parquetDataFormat: "PARQUET_DATA_FORMAT" } }, /CSV files only/],
    ];
    const before = (await world.amc.rows("purchases")).length;
    for (const [key, stage, extra, message] of cases) {
      await stage();
      const created = await client.data("POST", "/uploads/purchases", uploadBody(key, "ADDITIVE", extra));
      await world.amc.finishJobs();
      const result = (await client.data("GET", `/uploads/purchases/${created.body.uploadId}`)).body.upload;
      expect({ key, status: result.status }).toEqual({ key, status: "FAILED" });
      expect(result.message).toMatch(message);
      expect(result.metrics).toBeUndefined();
    }
    expect(await world.amc.rows("purchases")).toHaveLength(before);
  });

  it("reads every file under a prefix (skipping . and _ names) and the files a manifest lists", async () => {
    await world.stage("multi/part-1.csv.gz", csv(FACT_HEADER, [fact("p1@x.com", "2024-05-01")]));
    await world.stage("multi/part-2.csv.gz", csv(FACT_HEADER, [fact("p2@x.com", "2024-05-02"), fact("p3@x.com", "2024-05-03")]));
    await world.stage("multi/_SUCCESS", "not csv");
    const prefix = await upload("purchases", "multi/part-1.csv.gz", csv(FACT_HEADER, [fact("p1@x.com", "2024-05-01")]), "FULL_REPLACE",
      { dataSource: { sourceS3Bucket: "amc-staging", sourceS3Prefix: "multi/" } });
    expect(prefix).toMatchObject({ status: "COMPLETED", metrics: { OutputRowCount: 3 } });

    // Amazon's manifest: a text file, one s3://bucket/key URL per line (tagged like the files).
    await world.stage("manifest/list.txt", "s3://amc-staging/multi/part-2.csv.gz\n", { gzip: false });
    const manifest = await upload("purchases", "multi/part-2.csv.gz", csv(FACT_HEADER, [fact("p2@x.com", "2024-05-02"), fact("p3@x.com", "2024-05-03")]), "FULL_REPLACE",
      { dataSource: { sourceS3Bucket: "amc-staging", sourceManifestS3Key: "manifest/list.txt" } });
    expect(manifest).toMatchObject({ status: "COMPLETED", metrics: { OutputRowCount: 2 } });
    expect((await world.amc.rows("purchases")).map((r) => r.event_date)).toEqual(["2024-05-02", "2024-05-03"]);
  });

  it("FAILS a manifest that is not Amazon's text format, or is not tagged for the instance", async () => {
    await client.refresh(); // the cases below move the clock past the first token's hour
    const cases: Array<[key: string, body: string, tagged: boolean, message: RegExp]> = [
      ["manifest/entries.json", JSON.stringify({ entries: [{ url: "s3://amc-staging/multi/part-2.csv.gz" }] }), true, /line 1: .* is not an s3:\/\/bucket\/key URL/],
      ["manifest/keys.txt", "multi/part-2.csv.gz\n", true, /line 1: "multi\/part-2.csv.gz" is not an s3:\/\/bucket\/key URL/],
      ["manifest/empty.txt", "\n", true, /lists no files/],
      ["manifest/untagged.txt", "s3://amc-staging/multi/part-2.csv.gz", false, /manifest\/untagged.txt must be tagged instanceId=/],
    ];
    for (const [key, body, tagged, message] of cases) {
      await world.stage(key, body, { gzip: false, ...(tagged ? {} : { tag: null }) });
      const created = await client.data("POST", "/uploads/purchases", uploadBody(key, "ADDITIVE", { dataSource: { sourceS3Bucket: "amc-staging", sourceManifestS3Key: key } }));
      await world.amc.finishJobs();
      const result = (await client.data("GET", `/uploads/purchases/${created.body.uploadId}`)).body.upload;
      expect({ key, status: result.status }).toEqual({ key, status: "FAILED" });
      expect(result.message).toMatch(message);
    }
  });

  it("ingests the valid rows and ends PARTIAL_SUCCESS when only some rows are invalid", async () => {
    const result = await upload("purchases", "partial/mixed.csv.gz", csv(FACT_HEADER, [fact("ok1@x.com", "2024-06-01"), fact("bad@x.com", "06/02/2024"), fact("ok2@x.com", "2024-06-03")]), "FULL_REPLACE");
    expect(result).toMatchObject({ status: "PARTIAL_SUCCESS", metrics: { OutputRowCount: 2 } });
    expect(result.message).toMatch(/1 invalid row\(s\) were not ingested.*row 3: column event_date must be a DATE/);
    expect((await world.amc.rows("purchases")).map((r) => r.event_date)).toEqual(["2024-06-01", "2024-06-03"]);
  });

  it("checks types: INTEGER range, LONG, TIMESTAMP; nullable columns may be empty; a custom delimiter", async () => {
    await client.data("POST", "/dataSets", { dataSet: { dataSetId: "typed", columns: [
      { name: "n", columnType: "METRIC", dataType: "INTEGER" }, { name: "l", columnType: "METRIC", dataType: "LONG" },
      { name: "t", columnType: "DIMENSION", dataType: "TIMESTAMP" }, { name: "note", columnType: "DIMENSION", dataType: "STRING" },
    ] } });
    const ok = await upload("typed", "t/ok.csv.gz", "n|l|t|note\n2147483647|9007199254740993|2024-01-02T03:04:05Z|\n-5||2024-01-02T03:04:05Z|x\n", "ADDITIVE",
      { fileFormat: { csvDataFormat: { fieldDelimiter: "|" } } });
    expect(ok.metrics.OutputRowCount).toBe(2);
    expect((await world.amc.rows("typed"))[1]).toEqual({ n: "-5", l: null, t: "2024-01-02T03:04:05Z", note: "x", user_id: null });
    const overflow = await upload("typed", "t/big.csv.gz", "n,l,t,note\n2147483648,1,2024-01-02T03:04:05Z,a\n");
    expect(overflow.message).toMatch(/column n must be a 32-bit INTEGER/);
    const badTime = await upload("typed", "t/time.csv.gz", "n,l,t,note\n1,1,2024-01-02 03:04:05,a\n");
    expect(badTime.message).toMatch(/column t must be a TIMESTAMP yyyy-MM-ddTHH:mm:ssZ/);
  });

  it("lists uploads by dataset and creation time, newest first", async () => {
    const since = new Date(world.amc.clock.now()).toISOString();
    const a = await upload("customers", "l/a.csv.gz", csv("email,phone,tier", [[sha256("a"), sha256("1"), "x"]]));
    const b = await upload("customers", "l/b.csv.gz", csv("email,phone,tier", [[sha256("b"), "", "y"]]));
    const listed = await client.data("POST", `/uploads/list?dataSetId=customers&createdAt=${encodeURIComponent(since.replace(/\.\d+Z$/, "Z"))}&createdAtComparator=GTE`);
    expect(listed.body.uploads.map((u: { uploadId: string }) => u.uploadId)).toEqual([b.uploadId, a.uploadId]);
    const later = await client.data("POST", `/uploads/list?dataSetId=customers&createdAt=${encodeURIComponent(new Date(world.amc.clock.now() + 1000).toISOString())}`);
    expect(later.body.uploads).toEqual([]);
    const paged = await client.data("POST", "/uploads/list?maxResults=1");
    expect(paged.body.uploads).toHaveLength(1);
    const next = await client.data("POST", `/uploads/list?maxResults=1&nextToken=${paged.body.nextToken}`);
    expect(next.body.uploads[0].uploadId).not.toBe(paged.body.uploads[0].uploadId);
    expect((await client.data("POST", "/uploads/list?createdAtComparator=AFTER")).status).toBe(400);
    expect((await world.amc.uploads("customers")).map((u) => u.uploadId)).toEqual([a.uploadId, b.uploadId]);
    // The same from another process, over the control endpoint.
    const uploads = (await (await fetch(`${world.amc.endpoint}/__emulator/uploads`)).json()) as Array<{ uploadId: string }>;
    expect(uploads.map((u) => u.uploadId)).toEqual(expect.arrayContaining([a.uploadId, b.uploadId]));
    const rows = (await (await fetch(`${world.amc.endpoint}/__emulator/datasets/customers/rows`)).json()) as Array<{ tier: string }>;
    expect(rows.map((r) => r.tier)).toEqual(["x", "y"]);
  });

  it("a dropped CreateUpload response still ingests once, and the upload is in the list", async () => {
    await world.stage("drop/one.csv.gz", csv("email,phone,tier", [[sha256("drop@x.com"), "", "z"]]));
    const since = new Date(world.amc.clock.now() - 1000).toISOString();
    world.amc.faults.inject({ type: "drop-response", operation: "CreateUpload" });
    await expect(client.data("POST", "/uploads/customers", uploadBody("drop/one.csv.gz"))).rejects.toThrow();
    const listed = await client.data("POST", `/uploads/list?dataSetId=customers&createdAt=${encodeURIComponent(since)}&createdAtComparator=GTE`);
    expect(listed.body.uploads).toHaveLength(1);
    expect(listed.body.uploads[0].dataSource.sourceFileS3Key).toBe("drop/one.csv.gz");
    await world.amc.finishJobs();
    expect((await world.amc.rows("customers")).filter((r) => r.tier === "z")).toHaveLength(1);
  });
});

describe("uploads in real time (default delays)", () => {
  it("finish within a couple of seconds with nobody driving the clock", async () => {
    const live = await startWorld({ delays: {} });
    try {
      const c = new AmcClient(live.amc);
      await c.data("POST", "/dataSets", dimensionDataSet("live"));
      await live.stage("live.csv.gz", csv("email,phone,tier", [[sha256("l@x.com"), "", "a"]]));
      const { body } = await c.data("POST", "/uploads/live", uploadBody("live.csv.gz"));
      const seen = new Set<string>();
      const started = Date.now();
      let status = "PENDING";
      while (status !== "COMPLETED" && Date.now() - started < 3000) {
        status = (await c.data("GET", `/uploads/live/${body.uploadId}`)).body.upload.status;
        seen.add(status);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect([...seen]).toEqual(["PENDING", "IN_PROGRESS", "COMPLETED"]);
    } finally {
      await live.close();
    }
  });
});
