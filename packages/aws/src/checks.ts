import { asConnectorError, type ConnectionCheck } from "@conveyor/core";

/** A failed connection-test line carrying the error (and its workflow action). */
export function failedCheck(name: string, error: unknown): ConnectionCheck {
  const e = asConnectorError(error);
  return { name, status: "failed", message: e.message, error: e.toJSON() };
}
