import type { Row } from "@conveyor/core";

const DONE: IteratorResult<Row> = { done: true, value: undefined };

/** An async row iterator that can give a row back, so a split file never ends up empty. */
export class RowSource {
  private readonly iterator: AsyncIterator<Row>;
  private pending: IteratorResult<Row> | undefined;
  private done = false;

  constructor(rows: AsyncIterable<Row>) {
    this.iterator = rows[Symbol.asyncIterator]();
  }

  /**
   * The next row. Deliberately not an `async` function: this runs once per row, and handing
   * the iterator's own promise on saves a promise and a microtask each time.
   */
  next(): IteratorResult<Row> | Promise<IteratorResult<Row>> {
    if (this.pending !== undefined) {
      const step = this.pending;
      this.pending = undefined;
      return step;
    }
    return this.done ? DONE : this.iterator.next();
  }

  unread(row: Row): void {
    this.pending = { done: false, value: row };
  }

  async hasMore(): Promise<boolean> {
    const step = await this.next();
    if (step.done) {
      this.done = true;
      return false;
    }
    this.pending = step;
    return true;
  }

  /** Lets the source release what it holds when output stops early. */
  async close(): Promise<void> {
    if (!this.done) {
      this.done = true;
      await this.iterator.return?.();
    }
  }
}
