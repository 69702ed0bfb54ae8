import { ConnectorError, type Column, type Row, type Schema } from "@conveyor/core";
import { createPiiHasher, type PiiStats } from "@conveyor/pii";
import { compatibleTargets, converterFor, isCompatible, ValueError, valueError, type Converter } from "./convert.js";
import { mainEventTimeColumn, type Dataset, type DatasetColumn, type HashedPiiType } from "./dataset-definition.js";

export interface PlannedColumn {
  readonly dataset: DatasetColumn;
  readonly input: Column;
  readonly inputIndex: number;
  /** Hashed instead of converted: the dataset's hashedPii type, else the input column's pii tag. */
  readonly pii?: HashedPiiType;
  readonly convert: Converter;
}

export interface UploadPlan {
  /** Dataset columns the query provides, in dataset order: the CSV's columns. */
  readonly columns: readonly PlannedColumn[];
  /** Query columns no dataset column matches (ignored). */
  readonly ignored: readonly string[];
  /** The CSV's schema: every column text. */
  readonly schema: Schema;
}

/**
 * Matches query columns to dataset columns by name, case-insensitively, and refuses —
 * before anything is uploaded — a query that lacks a non-nullable column or the main event time
 * column, or whose types the seed's table does not convert.
 */
export function planUpload(input: Schema, dataset: Dataset): UploadPlan {
  const byName = new Map(input.columns.map((c, i) => [c.name.toLowerCase(), i] as const));
  const missing: string[] = [];
  const incompatible: string[] = [];
  const columns: PlannedColumn[] = [];
  const main = mainEventTimeColumn(dataset);
  for (const target of dataset.columns) {
    const index = byName.get(target.name.toLowerCase());
    if (index === undefined) {
      if (!target.nullable || target === main) missing.push(target.name);
      continue;
    }
    const column = input.columns[index]!;
    const pii = target.externalUserIdType?.hashedPii ?? column.pii;
    if (!pii && !isCompatible(column.type, target.dataType)) {
      const allowed = compatibleTargets(column.type);
      incompatible.push(`"${column.name}" is ${column.type.toUpperCase()} but dataset column "${target.name}" is ${target.dataType}${allowed.length ? ` (a ${column.type} column can go to ${allowed.join(", ")})` : ` (a ${column.type} column cannot be uploaded to AMC)`}`);
      continue;
    }
    columns.push({ dataset: target, input: column, inputIndex: index, ...(pii ? { pii } : {}), convert: converterFor(column, target.dataType, target.name) });
  }
  if (main && missing.includes(main.name)) {
    throw new ConnectorError({
      code: "amc.missing-event-time",
      category: "invalid-input",
      message: `dataset "${dataset.dataSetId}" is a fact dataset: the query must have its main event time column "${main.name}" (${main.dataType})${missing.length > 1 ? `; also missing non-nullable columns: ${missing.filter((m) => m !== main.name).join(", ")}` : ""}`,
      details: { dataset_id: dataset.dataSetId, missing },
    });
  }
  if (missing.length > 0) {
    throw new ConnectorError({
      code: "amc.missing-columns",
      category: "invalid-input",
      message: `the query lacks non-nullable column${missing.length > 1 ? "s" : ""} of dataset "${dataset.dataSetId}": ${missing.join(", ")} (names match case-insensitively; use AS to rename)`,
      details: { dataset_id: dataset.dataSetId, missing },
    });
  }
  if (incompatible.length > 0) {
    throw new ConnectorError({
      code: "amc.incompatible-types",
      category: "invalid-input",
      message: `column types do not match dataset "${dataset.dataSetId}": ${incompatible.join("; ")}`,
      details: { dataset_id: dataset.dataSetId, incompatible },
    });
  }
  const used = new Set(columns.map((c) => c.inputIndex));
  return {
    columns,
    ignored: input.columns.filter((_, i) => !used.has(i)).map((c) => c.name),
    schema: { columns: columns.map((c) => ({ name: c.dataset.name, type: "string" as const, nullable: c.dataset.nullable })) },
  };
}

export interface RowConversion {
  /** Converted rows; rows with a null in a non-nullable column are dropped and counted. */
  rows(source: AsyncIterable<Row>): AsyncIterable<Row>;
  /** Skipped rows by reason. */
  skipped(): Array<{ reason: string; count: number }>;
  pii(): PiiStats;
}

/**
 * Projects, hashes (PII columns, with @conveyor/pii and the dataset's country) and converts each
 * row. A value that cannot become its type fails the run naming row and column.
 */
export function convertRows(plan: UploadPlan, country: string): RowConversion {
  const projected: Schema = {
    columns: plan.columns.map((c) => ({ name: c.dataset.name, type: c.input.type, nullable: true, ...(c.pii ? { pii: c.pii } : {}) })),
  };
  const hasher = createPiiHasher(projected, { country });
  const skipped = new Map<string, number>();
  return {
    async *rows(source) {
      let n = 0;
      for await (const row of source) {
        n++;
        const hashed = hasher.hashRow(plan.columns.map((c) => row[c.inputIndex] ?? null));
        const out: Array<string | null> = [];
        let reason: string | undefined;
        for (let i = 0; i < plan.columns.length; i++) {
          const column = plan.columns[i]!;
          let value: string | null;
          try {
            value = column.pii ? (hashed[i] as string | null) : column.convert(hashed[i] ?? null);
          } catch (error) {
            throw error instanceof ValueError ? valueError(error, n) : error;
          }
          // An untyped input (CSV) cannot tell empty from null, and AMC's CSV cannot either.
          if (value !== null && value.trim() === "") value = null;
          if (value === null && !column.dataset.nullable) {
            reason ??= column.pii
              ? `null or invalid ${column.pii} in non-nullable column "${column.dataset.name}"`
              : `null in non-nullable column "${column.dataset.name}"`;
          }
          out.push(value);
        }
        if (reason) {
          skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
          continue;
        }
        yield out;
      }
    },
    skipped: () => [...skipped].map(([reason, count]) => ({ reason, count })),
    pii: () => hasher.stats(),
  };
}
