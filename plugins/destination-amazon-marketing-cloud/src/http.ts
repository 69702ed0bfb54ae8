import { asConnectorError } from "@conveyor/core";

/** Whether AMC may have carried out a request it did not confirm (5xx, timeout, reset — not 429). */
export function mayHaveHappened(error: unknown): boolean {
  const e = asConnectorError(error);
  if (e.category !== "transient") return false;
  const status = e.details?.http_status as number | undefined;
  return status === undefined ? e.details?.no_response === true : status >= 500;
}
