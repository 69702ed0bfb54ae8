const MiB = 1024 * 1024;

/** S3's limits: at most 10,000 parts, each 5 MiB–5 GiB (the last may be smaller). */
export const MAX_PARTS = 10_000;
export const MIN_PART = 5 * MiB;

/**
 * The size of part `n` (1-based) of an object whose size is unknown up front: 8 MiB for the
 * first thousand parts, doubling every thousand. Small objects stay cheap in memory, and
 * 10,000 parts reach 8 MiB × 1000 × (1 + 2 + … + 512) ≈ 8 TiB, past the 1 TB the spec asks for.
 */
export function partSize(n: number, first = 8 * MiB): number {
  return Math.min(first * 2 ** Math.floor((n - 1) / 1000), 5 * 1024 * MiB);
}
