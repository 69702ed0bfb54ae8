interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const TRANSIENT_NAMES = new Set(["SlowDown", "InternalError", "ServiceUnavailable", "RequestTimeout", "RequestTimeTooSkewed", "TimeoutError", "ThrottlingException"]);
const NETWORK_CODES = new Set(["ECONNRESET", "EPIPE", "ETIMEDOUT", "ECONNREFUSED", "ECONNABORTED", "EAI_AGAIN", "UND_ERR_SOCKET", "ERR_STREAM_PREMATURE_CLOSE"]);

/** Throttling, 5xx, timeouts and dropped connections: worth another attempt of the same request. */
export function isTransientS3Error(error: unknown): boolean {
  const e = error as SdkError | undefined;
  const status = e?.$metadata?.httpStatusCode ?? 0;
  return status >= 500 || TRANSIENT_NAMES.has(e?.name ?? "") || NETWORK_CODES.has(e?.code ?? "") || /socket hang up|ECONNRESET/i.test(e?.message ?? "");
}
