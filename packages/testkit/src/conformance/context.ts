import { OsTempStore, createLogger, stringSchema, type Schema, type StageContext } from "@conveyor/core";

/** A StageContext for testing a stage alone. */
export function stageContext(options: { baseName?: string; schema?: Schema; signal?: AbortSignal } = {}): StageContext & { tempStore: OsTempStore } {
  const baseName = options.baseName ?? "conformance_2025_01_31";
  return {
    baseName,
    partName: (n) => `${baseName}/${String(n).padStart(7, "0")}`,
    schema: options.schema ?? stringSchema(["value"]),
    signal: options.signal ?? new AbortController().signal,
    tempStore: new OsTempStore(),
    logger: createLogger({ level: "silent" }),
  };
}
