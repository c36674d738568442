export interface RedisLimiterOptions {
  /**
   * The span rpm and tpm count over, ms. Only tests shorten it; a provider's limits are per
   * minute. @default 60000
   */
  windowMs?: number;
  /**
   * A concurrency slot is held under a lease that its replica renews while the call runs; the
   * slot of a replica that died mid-call comes back after this long, ms. @default 30000
   */
  leaseMs?: number;
  /**
   * Longest a waiting caller sleeps before asking Redis again, ms. Freed concurrency slots are
   * announced over Pub/Sub, and rate windows say when they free up, so this only bounds the cost
   * of a lost announcement. @default 250
   */
  pollMs?: number;
}

export type ResolvedRedisLimiterOptions = Required<RedisLimiterOptions>;

/** Slots per window: admissions count for one window and at most a 60th more. */
export const slotsPerWindow = 60;

export function resolveRedisLimiterOptions(options: RedisLimiterOptions = {}): ResolvedRedisLimiterOptions {
  const resolved = {
    windowMs: options.windowMs ?? 60_000,
    leaseMs: options.leaseMs ?? 30_000,
    pollMs: options.pollMs ?? 250,
  };
  for (const [name, value] of Object.entries(resolved)) {
    if (!(Number.isInteger(value) && value > 0)) {
      throw new RangeError(`RedisLimiterOptions: ${name} must be a positive integer (ms), got ${value}`);
    }
  }
  if (resolved.windowMs % slotsPerWindow !== 0) {
    throw new RangeError(
      `RedisLimiterOptions: windowMs must be a multiple of ${slotsPerWindow} ms, got ${resolved.windowMs}`,
    );
  }
  return resolved;
}
