import type { Column, Row, Schema, Value } from "@conveyor/core";
import { resolveCountry } from "./country.js";
import { existingHash, sha256Hex } from "./hash.js";
import { cellText, normalizerFor } from "./normalize.js";
import type { Normalizer, PiiOptions, PiiType } from "./types.js";

export interface PiiColumnStats {
  column: string;
  type: PiiType;
  /** Values normalized and hashed here. */
  hashed: number;
  /** Values that already were SHA-256 hex digests (64 lower-case hex characters), passed through. */
  alreadyHashed: number;
  /** Values invalid for their type (or normalizing to nothing), set to null. */
  invalid: number;
  /** Nulls and blank strings, left null. */
  empty: number;
}

export interface PiiStats {
  rows: number;
  columns: PiiColumnStats[];
}

export interface PiiHasher {
  /** The schema of the rows `transform` yields: PII columns become nullable strings. */
  readonly schema: Schema;
  transform(rows: AsyncIterable<Row>): AsyncIterable<Row>;
  /** Hashes the PII cells of one row (a copy; the input is not modified). */
  hashRow(row: Row): Row;
  stats(): PiiStats;
}

// Names, cities and states repeat a lot; a memo per column saves normalizing and hashing them
// again. Columns where it does not pay (emails, phones) switch it off after a sample.
const MEMO_LIMIT = 50_000;
const MEMO_SAMPLE = 20_000;
const MEMO_MIN_HIT_RATE = 0.5;

class ColumnHasher {
  readonly stats: PiiColumnStats;
  private memo: Map<string, string | null> | undefined = new Map();
  private lookups = 0;
  private hits = 0;

  constructor(
    readonly index: number,
    column: Column & { pii: PiiType },
    private readonly normalize: Normalizer,
  ) {
    this.stats = { column: column.name, type: column.pii, hashed: 0, alreadyHashed: 0, invalid: 0, empty: 0 };
  }

  hash(value: Value | undefined): string | null {
    const text = cellText(value);
    if (text === undefined) {
      if (value === null || value === undefined) this.stats.empty++;
      else this.stats.invalid++;
      return null;
    }
    const existing = existingHash(text);
    if (existing !== undefined) {
      this.stats.alreadyHashed++;
      return existing;
    }
    const result = this.memo === undefined ? this.compute(text) : this.memoized(text);
    if (result !== null) this.stats.hashed++;
    else if (text.trim() === "") this.stats.empty++;
    else this.stats.invalid++;
    return result;
  }

  private compute(text: string): string | null {
    const normalized = this.normalize(text);
    return normalized === null || normalized === "" ? null : sha256Hex(normalized);
  }

  private memoized(text: string): string | null {
    const memo = this.memo!;
    this.lookups++;
    let result = memo.get(text);
    if (result !== undefined) {
      this.hits++;
    } else {
      result = this.compute(text);
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(text, result);
    }
    if (this.lookups === MEMO_SAMPLE && this.hits < MEMO_SAMPLE * MEMO_MIN_HIT_RATE) this.memo = undefined;
    return result;
  }
}

/**
 * Hashes the columns a schema tags with `pii` and leaves the others as they are, counting per
 * column what was hashed, already hashed, invalid (set to null) and empty.
 */
export function createPiiHasher(schema: Schema, options: PiiOptions = {}): PiiHasher {
  const country = resolveCountry(options.country);
  const columns: ColumnHasher[] = [];
  schema.columns.forEach((column, index) => {
    if (column.pii === undefined) return;
    columns.push(new ColumnHasher(index, column as Column & { pii: PiiType }, normalizerFor(column.pii, { country })));
  });
  let rows = 0;

  const hashRow = (row: Row): Row => {
    const out = row.slice();
    for (const column of columns) out[column.index] = column.hash(row[column.index]);
    rows++;
    return out;
  };

  return {
    schema: {
      columns: schema.columns.map((c) => (c.pii === undefined ? c : { ...c, type: "string", nullable: true })),
    },
    hashRow,
    async *transform(input: AsyncIterable<Row>): AsyncIterable<Row> {
      for await (const row of input) yield hashRow(row);
    },
    stats: () => ({ rows, columns: columns.map((c) => ({ ...c.stats })) }),
  };
}
