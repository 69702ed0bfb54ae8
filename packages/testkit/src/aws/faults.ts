/**
 * Faults on demand for the S3 front. A fault applies to the next `times` requests that match it
 * (optionally only one operation or bucket); every time one fires it is recorded, so a test can
 * assert the client really met it.
 */

export type FaultType = "slow-down" | "internal-error" | "reset" | "latency" | "no-such-bucket";

export interface FaultSpec {
  type: FaultType;
  /** How many matching requests it applies to; default 1. `"always"` until `clear()`. */
  times?: number | "always";
  /** Only requests of this S3 operation (e.g. `UploadPart`, `PutObject`, `HeadBucket`). */
  operation?: string;
  /** Only requests to this bucket; required for `no-such-bucket`. */
  bucket?: string;
  /** Only requests for object keys starting with this. */
  key?: string;
  /** `reset`: bytes of the request body received before the connection is reset (default 0). */
  afterBytes?: number;
  /** `latency`: milliseconds added before the request is handled. */
  ms?: number;
  /** Fire on every Nth matching request only (e.g. 20: the 20th, 40th, …); `times` counts firings. */
  every?: number;
}

export interface InjectedFault {
  type: FaultType;
  operation: string;
  bucket: string | undefined;
  at: string;
}

interface ActiveFault extends FaultSpec {
  id: number;
  remaining: number;
  /** Matching requests seen, for `every`. */
  seen: number;
}

const FAULT_TYPES: readonly FaultType[] = ["slow-down", "internal-error", "reset", "latency", "no-such-bucket"];

/** Checks a fault spec (it may come from JSON over HTTP) and says precisely what is wrong. */
export function validateFaultSpec(input: unknown): FaultSpec {
  if (!input || typeof input !== "object") throw new Error("A fault must be a JSON object with a `type`");
  const spec = input as FaultSpec;
  if (!FAULT_TYPES.includes(spec.type)) throw new Error(`Fault type must be one of ${FAULT_TYPES.join(", ")}; got ${JSON.stringify(spec.type)}`);
  if (spec.times !== undefined && spec.times !== "always" && !(Number.isInteger(spec.times) && spec.times > 0)) {
    throw new Error('Fault `times` must be a positive integer or "always"');
  }
  if (spec.type === "latency" && !(typeof spec.ms === "number" && spec.ms >= 0)) throw new Error("A latency fault needs `ms` >= 0");
  if (spec.type === "no-such-bucket" && typeof spec.bucket !== "string") throw new Error("A no-such-bucket fault needs `bucket`");
  if (spec.every !== undefined && !(Number.isInteger(spec.every) && spec.every > 0)) throw new Error("Fault `every` must be a positive integer");
  if (spec.afterBytes !== undefined && !(Number.isInteger(spec.afterBytes) && spec.afterBytes >= 0)) {
    throw new Error("Fault `afterBytes` must be an integer >= 0");
  }
  return spec;
}

export class FaultInjector {
  private active: ActiveFault[] = [];
  private nextId = 1;
  /** Every fault that fired, oldest first. */
  readonly injected: InjectedFault[] = [];

  inject(spec: FaultSpec): number {
    const valid = validateFaultSpec(spec);
    const id = this.nextId++;
    this.active.push({ ...valid, id, remaining: valid.times === "always" ? Infinity : (valid.times ?? 1), seen: 0 });
    return id;
  }

  clear(id?: number): void {
    this.active = id === undefined ? [] : this.active.filter((f) => f.id !== id);
  }

  pending(): FaultSpec[] {
    return this.active.map(({ id: _id, remaining: _r, seen: _s, ...spec }) => spec);
  }

  /** How many faults fired, optionally only of one type. */
  count(type?: FaultType): number {
    return type === undefined ? this.injected.length : this.injected.filter((f) => f.type === type).length;
  }

  /**
   * Takes the faults that apply to this request — at most a latency and one fault that decides
   * the answer, so no fault is used up without firing — using up one of each one's `times`.
   * The caller records each with `record()` when it actually fires.
   */
  take(operation: string, bucket: string | undefined, key?: string): FaultSpec[] {
    let latency: ActiveFault | undefined;
    let answer: ActiveFault | undefined;
    for (const fault of this.active) {
      if (fault.operation !== undefined && fault.operation !== operation) continue;
      if (fault.bucket !== undefined && fault.bucket !== bucket) continue;
      if (fault.key !== undefined && !(key ?? "").startsWith(fault.key)) continue;
      const isLatency = fault.type === "latency";
      if (isLatency ? latency : answer) continue;
      if (fault.every !== undefined && ++fault.seen % fault.every !== 0) continue;
      if (isLatency) latency = fault;
      else answer = fault;
    }
    const taken = [latency, answer].filter((f): f is ActiveFault => f !== undefined);
    for (const fault of taken) fault.remaining -= 1;
    this.active = this.active.filter((f) => f.remaining > 0);
    // Latency delays the request; the other fault then decides the answer.
    return taken;
  }

  record(type: FaultType, operation: string, bucket: string | undefined): void {
    this.injected.push({ type, operation, bucket, at: new Date().toISOString() });
  }
}
