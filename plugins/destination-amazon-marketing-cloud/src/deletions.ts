import { ConnectorError, type Clock, type DestinationContext, type Row, type Schema } from "@conveyor/core";
import { hashPii, resolveCountry, type PiiType } from "@conveyor/pii";
import type { AmcClient } from "./client.js";
import { poll } from "./poll.js";

/** The identity columns the seed names, and the hashed-PII type each one is. */
const IDENTITY_COLUMNS: Record<string, PiiType> = {
  first_name: "FIRST_NAME",
  last_name: "LAST_NAME",
  email: "EMAIL",
  phone: "PHONE",
  address: "ADDRESS",
  city: "CITY",
  state: "STATE",
  zip: "ZIP",
  country_code: "COUNTRY_CODE",
};

export const DELETION_BATCH = 1_000;

export interface IdentityColumns {
  columns: Array<{ index: number; name: string; type: PiiType }>;
  /** Query columns that are not identities (ignored, and reported). */
  ignored: string[];
  countryIndex?: number;
}

/** Identity columns by name, case-insensitively; at least one is needed. */
export function identityColumns(schema: Schema): IdentityColumns {
  const columns: IdentityColumns["columns"] = [];
  const ignored: string[] = [];
  let countryIndex: number | undefined;
  schema.columns.forEach((c, index) => {
    const type = IDENTITY_COLUMNS[c.name.toLowerCase()];
    if (!type) return void ignored.push(c.name);
    columns.push({ index, name: c.name, type });
    if (type === "COUNTRY_CODE") countryIndex = index;
  });
  if (columns.length === 0) {
    throw new ConnectorError({
      code: "amc.no-identity-columns",
      category: "invalid-input",
      message: `deleting identities needs at least one identity column (${Object.keys(IDENTITY_COLUMNS).join(", ")}); the query has ${schema.columns.map((c) => c.name).join(", ") || "none"}`,
    });
  }
  return { columns, ignored, ...(countryIndex !== undefined ? { countryIndex } : {}) };
}

export type HashedIdentity = Partial<Record<PiiType, string>>;

/**
 * One row's identity, normalized and hashed as uploads are; phones, zips and addresses use the
 * row's own country_code when it has a valid one, else the `country_code` setting.
 */
export function hashIdentity(row: Row, identity: IdentityColumns, country: string): HashedIdentity | undefined {
  let rowCountry = country;
  if (identity.countryIndex !== undefined) {
    const value = row[identity.countryIndex];
    if (typeof value === "string" && /^[A-Za-z]{2}$/.test(value.trim())) {
      try {
        rowCountry = resolveCountry(value.trim());
      } catch {
        rowCountry = country;
      }
    }
  }
  const hashed: HashedIdentity = {};
  for (const column of identity.columns) {
    const hash = hashPii(column.type, row[column.index] ?? null, { country: rowCountry });
    if (hash) hashed[column.type] = hash;
  }
  return Object.keys(hashed).length > 0 ? hashed : undefined;
}

export interface DeletionResult {
  requestIds: string[];
  identities: number;
  rowsWithoutIdentity: number;
  identityCount?: number;
}

/**
 * Sends the identities in batches of 1,000, each batch a task of the run (a retried run does not
 * send a batch twice); with `wait`, polls every request to SUCCEEDED.
 */
export async function deleteIdentities(
  client: AmcClient,
  rows: AsyncIterable<Row>,
  identity: IdentityColumns,
  options: { country: string; wait: boolean; timeoutMs: number; clock: Clock; context: DestinationContext },
): Promise<DeletionResult> {
  const { context } = options;
  const path = `/amc/advertiserData/${encodeURIComponent(client.instanceId)}/userDeletionRequest`;
  const result: DeletionResult = { requestIds: [], identities: 0, rowsWithoutIdentity: 0 };
  let batch: HashedIdentity[] = [];
  let batchNumber = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const targetIdentities = batch.map((hashedIdentity) => ({ hashedIdentity }));
    batch = [];
    batchNumber++;
    // Deleting the same identities twice removes nothing more, so lost answers may be retried.
    const created = await context.tasks.run(`amc deletion batch ${batchNumber}`, () =>
      client.request<{ userDeletionRequestId: string }>({ operation: `user deletion request ${batchNumber}`, method: "POST", path, body: { targetIdentities }, api: "data" }),
    );
    result.requestIds.push(created.userDeletionRequestId);
    result.identities += targetIdentities.length;
  };
  for await (const row of rows) {
    const hashed = hashIdentity(row, identity, options.country);
    if (!hashed) {
      result.rowsWithoutIdentity++;
      continue;
    }
    batch.push(hashed);
    if (batch.length === DELETION_BATCH) await flush();
  }
  await flush();
  if (options.wait && result.requestIds.length > 0) {
    let identityCount = 0;
    for (const id of result.requestIds) {
      const done = await poll(
        async () => {
          const body = await client.request<{ identityDeletion?: { status?: string; identityCount?: number } }>({ operation: `get user deletion request ${id}`, method: "GET", path: `${path}/${encodeURIComponent(id)}`, api: "data" });
          const status = body.identityDeletion?.status;
          if (status === "FAILED") throw new ConnectorError({ code: "amc.deletion-failed", category: "internal", message: `AMC failed user deletion request ${id}` });
          return status === "SUCCEEDED" ? body.identityDeletion : undefined;
        },
        { clock: options.clock, signal: context.signal, timeoutMs: options.timeoutMs, what: `user deletion request ${id}` },
      );
      identityCount += done?.identityCount ?? 0;
    }
    result.identityCount = identityCount;
  }
  return result;
}
