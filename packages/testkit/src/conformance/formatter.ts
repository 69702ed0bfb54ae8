import { DiscardSink, MemorySink, runFilePipeline, type ConnectorPlugin, type Formatter, type Row, type Schema } from "@conveyor/core";
import { describe, expect, it } from "vitest";
import { customerRows, customerSchema } from "../fixtures/customers.js";
import { stageContext } from "./context.js";
import { describeDefinition, hostWith, platformOf, resolveFixture, type SettingsFixtures } from "./definition.js";
import { countingRows } from "./streams.js";

export interface FormatterFixtures extends SettingsFixtures {
  /** Rows to format. Default: the customer table. */
  schema?: Schema;
  rows?: (count: number) => AsyncIterable<Row>;
  /**
   * Reads the formatted files back with an independent reader into rows of plain values,
   * compared with `expected(rows)`. Omit only for formats with no independent reader.
   */
  readBack?: (files: Map<string, Buffer>, schema: Schema) => Promise<unknown[][]>;
  /** How a written row should read back (e.g. everything as text for CSV). */
  expected?: (row: Row, schema: Schema) => unknown[];
  /** Rows after which the first output byte must have appeared. Default 100,000 (of 200,000). */
  streamingRows?: number;
}

/** The formatter contract: naming, round trip, streaming, errors. One line per plugin. */
export function describeFormatter(plugin: ConnectorPlugin, fixtures: FormatterFixtures): void {
  const schema = fixtures.schema ?? customerSchema;
  const rows = fixtures.rows ?? customerRows;
  const make = async () =>
    hostWith(plugin, fixtures.plugins ?? [], await platformOf(fixtures)).createSync<Formatter>("formatter", plugin.id, await resolveFixture(fixtures.settings));

  describe(`formatter "${plugin.id}" conformance`, () => {
    describeDefinition(plugin, "formatter", fixtures);

    it("declares an extension and a content type", async () => {
      const formatter = await make();
      expect(formatter.extension).toMatch(/^\.[a-z0-9]+$/);
      expect(formatter.contentType).toMatch(/^[a-z]+\/[\w.+-]+/);
    });

    it("names every file after the base name, with its extension", async () => {
      const formatter = await make();
      const context = stageContext({ schema, baseName: "exports_2025_01_31" });
      const sink = new MemorySink();
      const result = await runFilePipeline(rows(500), { formatter, sink }, context);
      expect(result.rows).toBe(500);
      expect(result.objects.length).toBeGreaterThan(0);
      for (const name of sink.files.keys()) {
        expect(name.startsWith("exports_2025_01_31")).toBe(true);
        expect(name.includes(formatter.extension)).toBe(true);
      }
    });

    if (fixtures.readBack) {
      it("writes rows that an independent reader reads back unchanged", async () => {
        const formatter = await make();
        const sink = new MemorySink();
        const written: Row[] = [];
        for await (const row of rows(1_000)) written.push(row);
        await runFilePipeline(toAsync(written), { formatter, sink }, stageContext({ schema }));
        const files = new Map([...sink.files].map(([name, f]) => [name, f.bytes]));
        const read = await fixtures.readBack!(files, schema);
        const expected = fixtures.expected ?? ((row: Row) => [...row]);
        expect(read).toEqual(written.map((row) => expected(row, schema)));
      });
    }

    it("streams: output starts before every row has been read", async () => {
      const total = 200_000;
      const formatter = await make();
      const source = countingRows(rows(total));
      let pulledAtFirstFile = -1;
      const sink = new DiscardSink();
      const watching = {
        write: (file: Parameters<DiscardSink["write"]>[0]) => {
          if (pulledAtFirstFile < 0) file.body.once("data", () => (pulledAtFirstFile = source.pulled()));
          return sink.write(file);
        },
      };
      const result = await runFilePipeline(source.rows, { formatter, sink: watching }, stageContext({ schema }));
      expect(result.rows).toBe(total);
      expect(pulledAtFirstFile).toBeGreaterThan(0);
      expect(pulledAtFirstFile).toBeLessThanOrEqual(fixtures.streamingRows ?? total / 2);
    });

    it("passes a failing row source's error through instead of hanging or finishing", async () => {
      const formatter = await make();
      const failure = new Error("source failed after 1000 rows");
      async function* failing(): AsyncGenerator<Row> {
        let n = 0;
        for await (const row of rows(10_000)) {
          if (++n > 1_000) throw failure;
          yield row;
        }
      }
      await expect(runFilePipeline(failing(), { formatter, sink: new DiscardSink() }, stageContext({ schema }))).rejects.toThrow(
        failure.message,
      );
    });
  });
}

async function* toAsync(rows: readonly Row[]): AsyncGenerator<Row> {
  yield* rows;
}
