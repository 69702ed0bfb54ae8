import {
  ConnectorError,
  createRunContext,
  fileNumber,
  type ConnectorPlugin,
  type Credential,
  type Destination,
  type Row,
  type Schema,
  type SendReport,
} from "@conveyor/core";
import { describe, expect, it } from "vitest";
import { customerRows, customerSchema } from "../fixtures/customers.js";
import { describeDefinition, hostWith, platformOf, type SettingsFixtures } from "./definition.js";

export interface DestinationFixtures extends SettingsFixtures {
  /** The job's credential, when the destination needs one. */
  credential?: { plugin: string; settings: unknown };
  schema?: Schema;
  rows?: (count: number) => AsyncIterable<Row>;
  /** Reads what was delivered back independently and checks it against the rows sent. */
  verify: (report: SendReport, sent: { baseName: string; rows: number }) => Promise<void>;
  /** What a failed send left behind (objects, files, pending uploads): must be nothing. */
  leftovers?: (baseName: string) => Promise<string[]>;
}

/** The destination contract: connection test, a verified send, a clean failure. */
export function describeDestination(plugin: ConnectorPlugin, fixtures: DestinationFixtures): void {
  const schema = fixtures.schema ?? customerSchema;
  const rows = fixtures.rows ?? customerRows;
  let sends = 0;

  const make = async () => {
    const host = hostWith(plugin, fixtures.plugins ?? [], platformOf(fixtures));
    const container = host.createRunContainer(`conformance-${++sends}`);
    const destination = await host.create<Destination>("destination", plugin.id, fixtures.settings, { parent: container, path: "destination.settings" });
    const credential = fixtures.credential
      ? await host.create<Credential>("credential", fixtures.credential.plugin, fixtures.credential.settings, { parent: container })
      : undefined;
    const context = createRunContext(host, { runId: `conformance-${sends}`, container, ...(credential ? { credential } : {}) });
    const baseName = `conformance_${Date.now()}_${sends}`;
    const request = (source: AsyncIterable<Row>) => ({
      rows: source,
      schema,
      baseName,
      partName: (n: number) => `${baseName}/${fileNumber(n)}`,
      overrides: {},
    });
    return { destination, context, baseName, request };
  };

  describe(`destination "${plugin.id}" conformance`, () => {
    describeDefinition(plugin, "destination", fixtures);

    it("passes its connection test against a working setup", async () => {
      const { destination, context } = await make();
      const checks = await destination.test(context);
      expect(checks.length).toBeGreaterThan(0);
      expect(checks.filter((c) => c.status === "failed")).toEqual([]);
    });

    it("delivers every row and reports what it wrote", async () => {
      const { destination, context, baseName, request } = await make();
      const report = await destination.send(request(rows(2_500)), context);
      expect(report.rows).toBe(2_500);
      expect(report.objects.length).toBeGreaterThan(0);
      expect(report.bytes).toBe(report.objects.reduce((sum, o) => sum + o.size, 0));
      for (const object of report.objects) expect(object.sha256).toMatch(/^[0-9a-f]{64}$/);
      await fixtures.verify(report, { baseName, rows: 2_500 });
    });

    it("fails with the source's error and leaves nothing half-written", async () => {
      const { destination, context, baseName, request } = await make();
      const failure = new ConnectorError({ code: "input.read-failed", category: "invalid-input", message: "input broke after 1,000 rows" });
      async function* failing(): AsyncGenerator<Row> {
        let n = 0;
        for await (const row of rows(5_000)) {
          if (++n > 1_000) throw failure;
          yield row;
        }
      }
      await expect(destination.send(request(failing()), context)).rejects.toThrow(failure.message);
      if (fixtures.leftovers) expect(await fixtures.leftovers(baseName)).toEqual([]);
    });
  });
}
