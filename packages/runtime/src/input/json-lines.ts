import type { Readable } from "node:stream";
import { createInterface } from "node:readline";
import { invalidInput } from "@conveyor/core";
import type { RecordSource } from "./open-input.js";

/** One JSON object per line; the first object's keys are the fields. */
export async function jsonLineRecords(stream: Readable, path: string): Promise<RecordSource> {
  const lines = createInterface({ input: stream, crlfDelay: Infinity })[Symbol.asyncIterator]();
  let number = 0;
  const next = async (): Promise<Record<string, unknown> | undefined> => {
    for (;;) {
      const line = await lines.next();
      if (line.done) return undefined;
      number++;
      if (line.value.trim() === "") continue;
      try {
        const value = JSON.parse(line.value) as unknown;
        if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
      } catch {
        // reported below
      }
      throw invalidInput("input.syntax", `input ${path} line ${number}: expected a JSON object`);
    }
  };
  const first = await next();
  if (!first) throw invalidInput("input.empty", `input ${path} has no records`);
  async function* records(): AsyncGenerator<Record<string, unknown>> {
    yield first!;
    for (let r = await next(); r; r = await next()) yield r;
  }
  return { fields: Object.keys(first), records: records() };
}
