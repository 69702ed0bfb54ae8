import { API_VERSION, definePlugin, implementationToken } from "@conveyor/core";
import { ParquetFormatter } from "./formatter.js";
import { checkParquetSettings, parquetSettings } from "./settings.js";

export { ParquetFormatter, partName, PARQUET_CONTENT_TYPE, PARQUET_EXTENSION } from "./formatter.js";
export { loadEngine, type ColumnLayout, type FileLayout, type ParquetEngine, type RowBatch } from "./engine.js";
export { parquetSettings, type ParquetSettings, ENGINES, COMPRESSIONS } from "./settings.js";

/** The `parquet` formatter: rows to `T.parquet/part-00000.parquet`, … */
export default definePlugin({
  id: "parquet",
  kind: "formatter",
  version: "0.1.0",
  apiVersion: API_VERSION,
  displayName: "Parquet",
  description:
    "Writes rows as a directory of Apache Parquet part files (Snappy by default), typed from the schema: exact INT64 longs, DATE, TIMESTAMP (UTC), DECIMAL.",
  settings: parquetSettings,
  check: checkParquetSettings,
  register(container) {
    container.register(implementationToken("formatter", "parquet"), { useClass: ParquetFormatter });
  },
});
