import type { Row } from "@conveyor/core";
import type { RowBatch } from "./engine.js";

/**
 * Rows handed to an engine at a time. Engines copy them out at once (into Arrow columns, or
 * parquetjs-lite's buffers), so rows die young instead of being promoted to the old generation:
 * holding 4,096–65,536 row objects at a time grew the heap by 100 MB or more (see README).
 */
export const BATCH_ROWS = 512;

/** Where a part file ends: after `rows` rows, or once `full()` says it has enough bytes. */
export interface PartLimit {
  readonly rows: number;
  full(): boolean;
}

/**
 * The run's rows, cut into batches for one part file after another. It peeks one row ahead so
 * that a part is started only when there is a row to put in it.
 */
export class RowSource {
  private pending: Row | undefined;
  private exhausted = false;
  /** Rows handed out so far. */
  count = 0;

  constructor(
    private readonly rows: AsyncIterator<Row>,
    private readonly signal?: AbortSignal,
  ) {}

  /** Batches for one part file. The first part of an empty run gets one empty batch (schema only). */
  async *part(limit: PartLimit): AsyncGenerator<RowBatch> {
    let taken = 0;
    do {
      this.signal?.throwIfAborted();
      const firstRow = this.count + 1;
      const rows = await this.take(Math.min(BATCH_ROWS, limit.rows - taken));
      if (rows.length === 0 && (taken > 0 || this.count > 0)) return;
      taken += rows.length;
      yield { rows, firstRow };
      if (rows.length === 0) return;
    } while (taken < limit.rows && !limit.full());
  }

  async hasMore(): Promise<boolean> {
    if (this.pending !== undefined) return true;
    if (this.exhausted) return false;
    const next = await this.rows.next();
    if (next.done) {
      this.exhausted = true;
      return false;
    }
    this.pending = next.value;
    return true;
  }

  /** Stops the upstream iterator early (the consumer stopped reading files). */
  async close(): Promise<void> {
    if (!this.exhausted) {
      this.exhausted = true;
      await this.rows.return?.();
    }
  }

  private async take(size: number): Promise<Row[]> {
    const rows: Row[] = [];
    if (this.pending !== undefined) {
      rows.push(this.pending);
      this.pending = undefined;
    }
    while (rows.length < size && !this.exhausted) {
      const next = await this.rows.next();
      if (next.done) this.exhausted = true;
      else rows.push(next.value);
    }
    this.count += rows.length;
    return rows;
  }
}
