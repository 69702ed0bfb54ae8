/**
 * Faults on demand for the AMC emulator. Like the S3 front's faults, a fault applies to the next
 * `times` requests matching its optional `operation`, and each firing is recorded.
 */

export type AmcFaultType =
  | "throttle" // 429 TOO_MANY_REQUESTS with Retry-After
  | "internal-error" // 500
  | "gateway-timeout" // 504
  | "expired-token" // 401 as for an expired access token
  | "terms-not-accepted" // 401 TERMS_NOT_ACCEPTED
  | "drop-response" // the request is processed, then the connection is destroyed unanswered
  | "latency"; // `ms` added before the request is handled

/** The operations a fault can target (routes.ts names each request with one of these). */
export const AMC_OPERATIONS = [
  "Token", "ListAccounts", "CreateDataSet", "GetDataSet", "ListDataSets", "CreateUpload", "GetUpload", "ListUploads",
  "CreateUserDeletionRequest", "GetUserDeletionRequest", "ListUserDeletionRequests", "CreateAudience", "GetAudience", "ListAudiences",
] as const;

export interface AmcFaultSpec {
  type: AmcFaultType;
  /** Default 1; `"always"` until cleared. */
  times?: number | "always";
  operation?: string;
  /** `throttle`: the Retry-After value in seconds (default 1). */
  retryAfterSeconds?: number;
  /** `latency`: milliseconds. */
  ms?: number;
}

export interface FiredAmcFault {
  type: AmcFaultType;
  operation: string;
  at: string;
}

const TYPES: readonly AmcFaultType[] = ["throttle", "internal-error", "gateway-timeout", "expired-token", "terms-not-accepted", "drop-response", "latency"];

export function validateAmcFault(input: unknown): AmcFaultSpec {
  if (!input || typeof input !== "object") throw new Error("A fault must be a JSON object with a `type`");
  const spec = input as AmcFaultSpec;
  if (!TYPES.includes(spec.type)) throw new Error(`Fault type must be one of ${TYPES.join(", ")}; got ${JSON.stringify(spec.type)}`);
  if (spec.times !== undefined && spec.times !== "always" && !(Number.isInteger(spec.times) && spec.times > 0)) {
    throw new Error('Fault `times` must be a positive integer or "always"');
  }
  if (spec.operation !== undefined && !(AMC_OPERATIONS as readonly string[]).includes(spec.operation)) {
    throw new Error(`Fault operation must be one of ${AMC_OPERATIONS.join(", ")}; got ${JSON.stringify(spec.operation)}`);
  }
  if (spec.type === "latency" && !(typeof spec.ms === "number" && spec.ms >= 0)) throw new Error("A latency fault needs `ms` >= 0");
  if (spec.retryAfterSeconds !== undefined && !(Number.isInteger(spec.retryAfterSeconds) && spec.retryAfterSeconds >= 0)) {
    throw new Error("Fault `retryAfterSeconds` must be an integer >= 0");
  }
  return spec;
}

export class AmcFaults {
  private active: Array<AmcFaultSpec & { id: number; remaining: number }> = [];
  private nextId = 1;
  readonly injected: FiredAmcFault[] = [];

  inject(spec: AmcFaultSpec): number {
    const valid = validateAmcFault(spec);
    const id = this.nextId++;
    this.active.push({ ...valid, id, remaining: valid.times === "always" ? Infinity : (valid.times ?? 1) });
    return id;
  }

  clear(id?: number): void {
    this.active = id === undefined ? [] : this.active.filter((f) => f.id !== id);
  }

  pending(): AmcFaultSpec[] {
    return this.active.map(({ id: _id, remaining: _r, ...spec }) => spec);
  }

  count(type?: AmcFaultType): number {
    return type === undefined ? this.injected.length : this.injected.filter((f) => f.type === type).length;
  }

  /** At most one latency and one deciding fault per request, each used up and recorded as it is taken. */
  take(operation: string): AmcFaultSpec[] {
    const taken: Array<AmcFaultSpec & { remaining: number }> = [];
    for (const latency of [true, false]) {
      const fault = this.active.find((f) => (f.type === "latency") === latency && (f.operation === undefined || f.operation === operation));
      if (fault) taken.push(fault);
    }
    for (const fault of taken) {
      fault.remaining -= 1;
      this.injected.push({ type: fault.type, operation, at: new Date().toISOString() });
    }
    this.active = this.active.filter((f) => f.remaining > 0);
    return taken;
  }
}
