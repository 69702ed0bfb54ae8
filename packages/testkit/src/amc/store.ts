/** The instance's datasets and the rows each one holds. */
import type { DataSet } from "./datasets.js";
import type { Row } from "./rows.js";
import { notFound } from "./errors.js";

export class AmcStore {
  readonly dataSets = new Map<string, DataSet>();
  readonly rows = new Map<string, Row[]>();

  dataSet(id: string): DataSet {
    const dataSet = this.dataSets.get(id);
    if (!dataSet) throw notFound(`Data set ${id} does not exist in this instance`);
    return dataSet;
  }
}

/** `nextToken` paging over an already filtered list (the token is the next offset). */
export function page<T>(items: T[], params: URLSearchParams): { items: T[]; nextToken?: string } {
  const max = Math.min(Math.max(Number(params.get("maxResults") ?? 100) || 100, 1), 100);
  const offset = Number(Buffer.from(params.get("nextToken") ?? "", "base64url").toString() || 0) || 0;
  const slice = items.slice(offset, offset + max);
  return offset + max < items.length ? { items: slice, nextToken: Buffer.from(String(offset + max)).toString("base64url") } : { items: slice };
}
