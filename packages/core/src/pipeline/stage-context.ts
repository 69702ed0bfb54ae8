import type { PluginContext, SendRequest, StageContext } from "../contracts.js";

/**
 * What every file stage of one send is given: the rows' schema and file names from the request
 * (or the names a destination derives, as AMC's staging folder), the run's signal, temp store and logger.
 */
export function stageContextOf(request: Pick<SendRequest, "schema" | "baseName" | "partName">, context: Pick<PluginContext, "signal" | "tempStore" | "logger">): StageContext {
  return {
    schema: request.schema,
    baseName: request.baseName,
    partName: (n) => request.partName(n),
    signal: context.signal,
    tempStore: context.tempStore,
    logger: context.logger,
  };
}
