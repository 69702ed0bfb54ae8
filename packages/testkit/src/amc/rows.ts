/**
 * A dataset's stored rows: the update strategies, the `user_id` AMC resolves for each hashed
 * identity, and the matching used by user deletion requests.
 */
import { createHash } from "node:crypto";
import { mainEventTimeColumn, piiTypeOf, type DataSet } from "./datasets.js";

/** A stored row: the dataset's column names → the CSV text (null when empty). */
export type Row = Record<string, string | null>;
export type UpdateStrategy = "ADDITIVE" | "FULL_REPLACE" | "OVERLAP_REPLACE" | "OVERLAP_KEEP";
export const UPDATE_STRATEGIES: readonly UpdateStrategy[] = ["ADDITIVE", "FULL_REPLACE", "OVERLAP_REPLACE", "OVERLAP_KEEP"];

/** The hashed-PII values of a row, `TYPE=hash` sorted: the row's identity (empty when it has none). */
function identityOf(dataSet: DataSet, row: Row): string[] {
  const pairs: string[] = [];
  for (const column of dataSet.columns) {
    const type = piiTypeOf(column);
    const value = row[column.name];
    if (type && value) pairs.push(`${type}=${value.toLowerCase()}`);
  }
  return pairs.sort();
}

/**
 * A stable `user_id` per distinct hashed identity: derived from the identity itself, so the same
 * person gets the same id in every dataset and upload (AMC resolves them to one Amazon user).
 */
export function userIdOf(dataSet: DataSet, row: Row): string | null {
  const identity = identityOf(dataSet, row);
  return identity.length === 0 ? null : `amcuser-${createHash("sha256").update(identity.join(",")).digest("hex").slice(0, 24)}`;
}

/** The time partition of a main-event-time value at the dataset's `period` (inferred granularity). */
function partitionOf(value: string, period: string): string {
  const hour = value.length > 10 ? value.slice(0, 13) : `${value}T00`;
  return period === "PT1H" ? hour : period === "P1M" ? value.slice(0, 7) : value.slice(0, 10);
}

/**
 * Applies an upload's rows. OVERLAP_* compare time partitions of the main event time:
 * OVERLAP_REPLACE drops stored rows in the partitions the upload covers; OVERLAP_KEEP drops the
 * uploaded rows whose partitions already hold data. Returns the new rows and how many were added.
 */
export function applyStrategy(dataSet: DataSet, stored: Row[], incoming: Row[], strategy: UpdateStrategy): { rows: Row[]; added: number } {
  switch (strategy) {
    case "ADDITIVE": return { rows: [...stored, ...incoming], added: incoming.length };
    case "FULL_REPLACE": return { rows: [...incoming], added: incoming.length };
    case "OVERLAP_REPLACE":
    case "OVERLAP_KEEP": {
      const column = mainEventTimeColumn(dataSet)!.name;
      const partition = (row: Row) => partitionOf(row[column] ?? "", dataSet.period);
      if (strategy === "OVERLAP_REPLACE") {
        const covered = new Set(incoming.map(partition));
        return { rows: [...stored.filter((r) => !covered.has(partition(r))), ...incoming], added: incoming.length };
      }
      const existing = new Set(stored.map(partition));
      const kept = incoming.filter((r) => !existing.has(partition(r)));
      return { rows: [...stored, ...kept], added: kept.length };
    }
  }
}

/**
 * Whether a row belongs to a deletion identity (`{EMAIL: hash, …}`): every identity type the
 * dataset has a column for must match, and at least one must exist.
 */
export function matchesIdentity(dataSet: DataSet, row: Row, identity: Record<string, string>): boolean {
  let compared = 0;
  for (const column of dataSet.columns) {
    const type = piiTypeOf(column);
    const wanted = type ? identity[type] : undefined;
    if (wanted === undefined) continue;
    compared += 1;
    if ((row[column.name] ?? "").toLowerCase() !== wanted.toLowerCase()) return false;
  }
  return compared > 0;
}
