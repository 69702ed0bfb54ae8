// The parts of parquetjs-lite (no bundled types) that this package uses.
declare module "parquetjs-lite" {
  export interface FieldDefinition {
    type: string;
    optional?: boolean;
    compression?: string;
    statistics?: boolean;
  }
  // CommonJS: imported as the default export.
  const parquet: { ParquetSchema: typeof ParquetSchema; ParquetWriter: typeof ParquetWriter };
  export default parquet;
  export class ParquetSchema {
    constructor(fields: Record<string, FieldDefinition>);
  }
  export interface OutputStream {
    write(chunk: Buffer, callback: (error?: Error | null) => void): unknown;
    end(callback: (error?: Error | null) => void): unknown;
  }
  export class ParquetWriter {
    static openStream(
      schema: ParquetSchema,
      output: OutputStream,
      options?: { rowGroupSize?: number; pageSize?: number; useDataPageV2?: boolean },
    ): Promise<ParquetWriter>;
    appendRow(row: Record<string, unknown>): Promise<void>;
    close(): Promise<void>;
  }
}

declare module "parquetjs-lite/lib/types.js" {
  export interface LogicalType {
    primitiveType: string;
    originalType?: string;
    toPrimitive(value: unknown): unknown;
    fromPrimitive?(value: unknown): unknown;
  }
  const types: { PARQUET_LOGICAL_TYPES: Record<string, LogicalType> };
  export default types;
}
