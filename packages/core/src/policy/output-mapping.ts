/**
 * A data template's output mapping: every input column unchanged, or a
 * chosen list of columns (optionally renamed) plus "string builder" columns whose value joins
 * literal text and values of the send (export timestamp, segment id and name, audience id).
 */
import { z } from "zod";
import { invalidInput, jobSettingsError } from "../errors.js";
import type { Column, Row, Schema, Value } from "../schema.js";
import { formatProblems, joinPath, type Problem } from "../settings/problems.js";

/** Values of the send a string builder piece can insert. */
export const MAPPING_VALUES = ["export_timestamp", "segment_id", "segment_name", "audience_id"] as const;
export type MappingValueName = (typeof MAPPING_VALUES)[number];

export type Piece = { text: string } | { value: MappingValueName };
/** A chosen input column (renamed when `name` is given), or a string builder column. */
export type OutputColumn = { source: string; name?: string } | { name: string; build: Piece[] };

export interface MappingValues {
  export_timestamp: Date;
  segment_id?: string;
  segment_name?: string;
  audience_id?: string;
}

/** A job's `segment:`, which supplies the segment values of string builder columns. */
export const segmentSchema = z.strictObject({
  id: z.string().optional(),
  name: z.string().optional(),
  audience_id: z.string().optional(),
});
export type Segment = z.output<typeof segmentSchema>;

const PIECE_SHAPE = `a piece is { text: '…' } or { value: ${MAPPING_VALUES.join(" | ")} }`;
const COLUMN_SHAPE = "a column is { source: <input column>, name?: <output name> } or { name: <output name>, build: [pieces] }";

// One object with a refinement rather than a zod union: a union reports only "Invalid input",
// while this names the field that is wrong.
export const pieceSchema = z
  .strictObject({ text: z.string().optional(), value: z.enum(MAPPING_VALUES).optional() })
  .superRefine((piece, ctx) => {
    if ((piece.text === undefined) === (piece.value === undefined)) ctx.addIssue({ code: "custom", message: PIECE_SHAPE });
  })
  .transform((piece): Piece => (piece.value !== undefined ? { value: piece.value } : { text: piece.text ?? "" }));

export const outputColumnSchema = z
  .strictObject({ source: z.string().optional(), name: z.string().optional(), build: z.array(pieceSchema).optional() })
  .superRefine((column, ctx) => {
    if (column.source !== undefined && column.build !== undefined) {
      ctx.addIssue({ code: "custom", message: `use either source or build, not both; ${COLUMN_SHAPE}` });
    } else if (column.source === undefined && column.build === undefined) {
      ctx.addIssue({ code: "custom", message: `needs source or build; ${COLUMN_SHAPE}` });
    } else if (column.build !== undefined && column.name === undefined) {
      ctx.addIssue({ code: "custom", path: ["name"], message: "a build column needs a name" });
    }
  })
  .transform(
    (column): OutputColumn =>
      column.build !== undefined
        ? { name: column.name ?? "", build: column.build }
        : { source: column.source ?? "", ...(column.name !== undefined ? { name: column.name } : {}) },
  );

/** The name a mapped column gets in the output. */
export function outputName(column: OutputColumn): string {
  return "build" in column ? column.name : (column.name ?? column.source);
}

/** Problems a parsed mapping can still have: empty names or pieces, duplicate output names (ignoring case). */
export function outputColumnsProblems(columns: readonly OutputColumn[], path = "template.columns"): Problem[] {
  const problems: Problem[] = [];
  const error = (at: string, message: string) => problems.push({ path: at, message, severity: "error" });
  const seen = new Map<string, number>();
  columns.forEach((column, i) => {
    const at = joinPath(path, i);
    if ("build" in column) {
      if (column.build.length === 0) error(joinPath(at, "build"), `needs at least one piece; ${PIECE_SHAPE}`);
      column.build.forEach((piece, j) => {
        if ("text" in piece && piece.text === "") error(joinPath(at, "build", j, "text"), "is empty; write some text or remove the piece");
      });
    } else if (column.source.trim() === "") {
      error(joinPath(at, "source"), "must name an input column");
    }
    const name = outputName(column);
    const namePath = joinPath(at, "build" in column || column.name !== undefined ? "name" : "source");
    if (name.trim() === "") {
      error(namePath, "the output column name must not be empty");
      return;
    }
    const first = seen.get(name.toLowerCase());
    if (first !== undefined) {
      error(namePath, `output column name "${name}" is already used by ${joinPath(path, first)}; output names must be unique (ignoring case)`);
    } else seen.set(name.toLowerCase(), i);
  });
  return problems;
}

/** The mapping values of a send made at `now` for `segment`. */
export function mappingValues(now: Date, segment?: Segment): MappingValues {
  return {
    export_timestamp: now,
    ...(segment?.id !== undefined ? { segment_id: segment.id } : {}),
    ...(segment?.name !== undefined ? { segment_name: segment.name } : {}),
    ...(segment?.audience_id !== undefined ? { audience_id: segment.audience_id } : {}),
  };
}

export interface OutputMapping {
  readonly schema: Schema;
  map(rows: AsyncIterable<Row>): AsyncIterable<Row>;
}

/**
 * Applies `columns` to `schema` (undefined: every column unchanged). Chosen columns keep their
 * type, nullability and PII mark; builder columns are non-null strings. Source names match
 * exactly first, then ignoring case. Throws `template.invalid` (bad mapping),
 * `template.unknown-column` / `template.ambiguous-column` (source), `template.missing-value`
 * (a builder uses a segment value the send lacks). Builder values are constant for a send, so
 * each is computed once; per row the mapping copies cells by precomputed index.
 */
export function outputMapping(schema: Schema, columns: readonly OutputColumn[] | undefined, values: MappingValues): OutputMapping {
  if (columns === undefined) return { schema, map: (rows) => rows };
  const problems = outputColumnsProblems(columns);
  if (problems.length > 0) {
    throw invalidInput("template.invalid", `Invalid output columns:\n${formatProblems(problems)}`, { problems });
  }
  const sources = new Int32Array(columns.length).fill(-1);
  const constants: Value[] = [];
  const outputColumns: Column[] = columns.map((column, i) => {
    if ("build" in column) {
      constants[i] = column.build.map((piece) => ("text" in piece ? piece.text : mappingValue(piece.value, column.name, values))).join("");
      return { name: column.name, type: "string", nullable: false };
    }
    const index = sourceIndex(schema, column.source);
    sources[i] = index;
    constants[i] = null;
    const input = schema.columns[index]!;
    return { ...input, name: column.name ?? input.name };
  });
  const passThrough = columns.length === schema.columns.length && sources.every((s, i) => s === i);
  return {
    schema: { columns: outputColumns },
    map: passThrough ? (rows) => rows : (rows) => mapRows(rows, sources, constants),
  };
}

async function* mapRows(rows: AsyncIterable<Row>, sources: Int32Array, constants: readonly Value[]): AsyncIterable<Row> {
  const n = sources.length;
  for await (const row of rows) {
    const out = new Array<Value>(n);
    for (let i = 0; i < n; i++) {
      const s = sources[i]!;
      out[i] = s >= 0 ? (row[s] ?? null) : constants[i]!;
    }
    yield out;
  }
}

function sourceIndex(schema: Schema, source: string): number {
  const exact = schema.columns.findIndex((c) => c.name === source);
  if (exact >= 0) return exact;
  const lower = source.toLowerCase();
  const matches = schema.columns.flatMap((c, i) => (c.name.toLowerCase() === lower ? [i] : []));
  if (matches.length === 1) return matches[0]!;
  const available = schema.columns.map((c) => c.name).join(", ");
  if (matches.length > 1) {
    throw invalidInput(
      "template.ambiguous-column",
      `Output column source "${source}" matches several input columns when case is ignored (${matches.map((i) => schema.columns[i]!.name).join(", ")}); write the exact name`,
      { source },
    );
  }
  throw invalidInput("template.unknown-column", `Output column source "${source}" is not an input column; available columns: ${available}`, {
    source,
    available: schema.columns.map((c) => c.name),
  });
}

const SEGMENT_KEYS: Record<Exclude<MappingValueName, "export_timestamp">, string> = {
  segment_id: "id",
  segment_name: "name",
  audience_id: "audience_id",
};

function mappingValue(name: MappingValueName, column: string, values: MappingValues): string {
  if (name === "export_timestamp") return values.export_timestamp.toISOString();
  const value = values[name];
  if (value === undefined) {
    const key = SEGMENT_KEYS[name];
    throw jobSettingsError(
      "template.missing-value",
      `Output column "${column}" uses ${name}, but this send has no segment ${key.replace("_", " ")}; add segment: { ${key}: ... } to the job`,
      `Add segment: { ${key}: ... } to the job, or remove ${name} from output column "${column}".`,
      { column, value: name },
    );
  }
  return value;
}
