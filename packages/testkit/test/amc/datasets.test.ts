import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AmcClient, factDataSet, startWorld, type World } from "./helpers.js";

let world: World;
let client: AmcClient;
beforeAll(async () => {
  world = await startWorld();
  client = new AmcClient(world.amc);
});
afterAll(() => world.close());

const column = (name: string, extra: Record<string, unknown> = {}) => ({ name, columnType: "DIMENSION", dataType: "STRING", ...extra });

describe("datasets", () => {
  it("creates a dataset from the seed's definition and answers it with defaults filled in", async () => {
    // The seed's fact dataset example, verbatim.
    const seed = JSON.parse('{"dataSet": {"dataSetId": "mydemofactdswithidentity","columns": [{"columnType": "DIMENSION","dataType": "STRING","externalUserIdType": {"hashedPii": "EMAIL"},"name": "email"},{"columnType": "DIMENSION","dataType": "DATE","isMainEventTime": true,"name": "record_date"},{"columnType": "DIMENSION","dataType": "STRING","name": "tcf_string","consentType": "TCF"}],"countryCode": "US"}}');
    const created = await client.data("POST", "/dataSets", { ...seed, somethingNew: 1 });
    expect(created).toMatchObject({ status: 200, body: { dataSetId: "mydemofactdswithidentity", instanceId: world.amc.instanceId } });
    const got = await client.data("GET", "/dataSets/mydemofactdswithidentity");
    expect(got.status).toBe(200);
    expect(got.body.dataSet).toMatchObject({ dataSetId: "mydemofactdswithidentity", period: "P1D", countryCode: "US" });
    expect(got.body.dataSet.columns[0]).toEqual({
      name: "email", columnType: "DIMENSION", dataType: "STRING", nullable: true, isMainEventTime: false, isMainUserId: false,
      isMainUserIdType: false, isCountryCode: false, requiresOneWayHashing: false, externalUserIdType: { hashedPii: "EMAIL" },
    });
    expect(got.body.dataSet.columns[1]).toMatchObject({ name: "record_date", isMainEventTime: true });
    expect(got.body.dataSet.columns[2]).toMatchObject({ consentType: "TCF" });
    expect(world.amc.dataSet("mydemofactdswithidentity")?.columns).toHaveLength(3);
  });

  it("answers 404 for a dataset that does not exist and 409 for one that does", async () => {
    const missing = await client.data("GET", "/dataSets/no_such_dataset");
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: "NOT_FOUND", details: expect.stringContaining("no_such_dataset") });
    expect(typeof missing.body.requestId).toBe("string");
    await client.data("POST", "/dataSets", factDataSet("twice"));
    expect((await client.data("POST", "/dataSets", factDataSet("twice"))).status).toBe(409);
  });

  it("refuses invalid definitions with 400 naming the problem", async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ dataSetId: "no_wrapper", columns: [column("a")] }, /"dataSet"/],
      [{ dataSet: { dataSetId: "Upper", columns: [column("a")] } }, /dataSetId must match/],
      [{ dataSet: { dataSetId: "1abc", columns: [column("a")] } }, /dataSetId must match/],
      [{ dataSet: { dataSetId: "x", columns: [column("a")] } }, /dataSetId must match/],
      [{ dataSet: { dataSetId: "ok_id", columns: [] } }, /non-empty/],
      [{ dataSet: { dataSetId: "ok_id", columns: Array.from({ length: 101 }, (_, i) => column(`c${i}`)) } }, /101 columns; at most 100/],
      [{ dataSet: { dataSetId: "ok_id", columns: [column("a", { columnType: "FACT" })] } }, /columnType must be one of DIMENSION, METRIC/],
      [{ dataSet: { dataSetId: "ok_id", columns: [column("a", { dataType: "BOOLEAN" })] } }, /dataType must be one of/],
      [{ dataSet: { dataSetId: "ok_id", columns: [column("a", { externalUserIdType: { hashedPii: "SSN" } })] } }, /hashedPii must be one of/],
      [{ dataSet: { dataSetId: "ok_id", columns: [column("a", { consentType: "NONE" })] } }, /consentType/],
      [{ dataSet: { dataSetId: "ok_id", period: "P1Y", columns: [column("a")] } }, /period must be one of P1D, P1M, PT1H/],
      [{ dataSet: { dataSetId: "ok_id", columns: [column("a"), column("A")] } }, /duplicate column/],
      [{ dataSet: { dataSetId: "ok_id", columns: [column("a", { isMainEventTime: true })] } }, /TIMESTAMP or DATE/],
      [{ dataSet: { dataSetId: "ok_id", columns: [column("a", { nullable: "no" })] } }, /nullable must be a boolean/],
      [{ dataSet: { dataSetId: "ok_id", countryCode: "UK", columns: [column("a")] } }, /countryCode must be an ISO 3166-1 alpha-2 .*got "UK"/],
      [{ dataSet: { dataSetId: "ok_id", countryCode: "XX", columns: [column("a")] } }, /countryCode must be an ISO 3166-1 alpha-2 .*got "XX"/],
    ];
    for (const [body, details] of cases) {
      const answer = await client.data("POST", "/dataSets", body);
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      expect(answer.body.code).toBe("BAD_REQUEST");
      expect(answer.body.details).toMatch(details);
    }
    expect(world.amc.dataSet("ok_id")).toBeUndefined();
  });

  it("accepts exactly 100 columns and lists datasets", async () => {
    const body = { dataSet: { dataSetId: "wide_ds", columns: Array.from({ length: 100 }, (_, i) => column(`c${i}`)) } };
    expect((await client.data("POST", "/dataSets", body)).status).toBe(200);
    const listed = await client.data("POST", "/dataSets/list");
    expect(listed.body.dataSets.map((d: { dataSetId: string }) => d.dataSetId)).toContain("wide_ds");
  });
});
