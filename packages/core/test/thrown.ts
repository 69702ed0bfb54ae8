import { asConnectorError, type ConnectorError } from "../src/index.js";

/** What `run` throws, as the ConnectorError a host would see; fails the test when nothing is thrown. */
export function thrown(run: () => unknown): ConnectorError {
  try {
    run();
  } catch (error) {
    return asConnectorError(error);
  }
  throw new Error("expected a throw");
}
