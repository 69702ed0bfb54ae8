import { ConnectorError } from "@conveyor/core";
import { datasetMissing } from "./actions.js";
import type { AmcClient } from "./client.js";
import { datasetSchema, type Dataset } from "./dataset-definition.js";

const path = (client: AmcClient, rest = "") => `/amc/advertiserData/${encodeURIComponent(client.instanceId)}/dataSets${rest}`;

/** The dataset's definition as AMC holds it (defaults filled in), or undefined when it does not exist. */
export async function getDataset(client: AmcClient, datasetId: string): Promise<Dataset | undefined> {
  try {
    const body = await client.request<{ dataSet?: unknown }>({ operation: `get dataset ${datasetId}`, method: "GET", path: path(client, `/${encodeURIComponent(datasetId)}`), api: "data" });
    const parsed = datasetSchema.safeParse(body.dataSet);
    if (!parsed.success) {
      throw new ConnectorError({ code: "amc.unexpected-response", category: "internal", message: `AMC returned a dataset definition for "${datasetId}" this destination cannot read: ${parsed.error.issues[0]?.message ?? ""}` });
    }
    return parsed.data;
  } catch (error) {
    if (ConnectorError.is(error) && error.code === "amc.not-found") return undefined;
    throw error;
  }
}

/**
 * The dataset to upload to: AMC's, or — with `create_dataset` — created from the definition when
 * missing. A dataset another run created meanwhile (409) is read back rather than an error.
 */
export async function ensureDataset(client: AmcClient, options: { datasetId: string; create: boolean; definition?: Dataset }): Promise<{ dataset: Dataset; created: boolean }> {
  const existing = await getDataset(client, options.datasetId);
  if (existing) return { dataset: existing, created: false };
  if (!options.create || !options.definition) throw datasetMissing(options.datasetId, client.instanceId, options.definition);
  try {
    // Creating is not idempotent in AMC's eyes, but a second create of the same id is refused
    // (409) rather than duplicated, so retrying lost answers is safe here.
    await client.request({ operation: `create dataset ${options.datasetId}`, method: "POST", path: path(client), body: { dataSet: options.definition }, api: "data" });
  } catch (error) {
    if (!(ConnectorError.is(error) && error.details?.http_status === 409)) throw error;
  }
  const created = await getDataset(client, options.datasetId);
  if (!created) throw datasetMissing(options.datasetId, client.instanceId, options.definition);
  return { dataset: created, created: true };
}
