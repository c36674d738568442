/**
 * Every key and channel Switchyard writes, under one prefix so several deployments (or tests)
 * can share a Redis. Each key has a TTL (see the writers), so Redis memory stays bounded by the
 * number of targets and spend keys, not by traffic or uptime; response-cache entries, by the
 * distinct requests within their TTL.
 */
export class RedisKeys {
  readonly prefix: string;

  constructor(prefix: string) {
    this.prefix = prefix;
  }

  /** JSON: breaker and outlier-ejection state of a target. */
  health(target: string): string {
    return `${this.prefix}:health:${target}`;
  }

  /** JSON: decaying latency sums and the time-to-first-token sketch of a target. */
  latency(target: string): string {
    return `${this.prefix}:latency:${target}`;
  }

  /** Hash: spend of one UTC day in nano-dollars (total, each replica's share, holds in flight). */
  spend(day: string, key: string): string {
    return `${this.prefix}:spend:${day}:${key}`;
  }

  /** Set: the spend keys written on one UTC day, so a day's usage is read without scanning. */
  spendIndex(day: string): string {
    return `${this.prefix}:spendkeys:${day}`;
  }

  /** Sorted set: ids of the spend holds in flight, scored by when they expire. */
  holds(day: string, key: string): string {
    return `${this.prefix}:holds:${day}:${key}`;
  }

  /** Hash: admissions per time slot (requests and tokens) and the 429 pause of a target. */
  window(target: string): string {
    return `${this.prefix}:window:${target}`;
  }

  /** String: until when (ms since epoch) a 429 paused a target, for every replica; expires then. */
  pause(target: string): string {
    return `${this.prefix}:pause:${target}`;
  }

  /** Sorted set: concurrency leases of a target's calls in flight, scored by expiry. */
  running(target: string): string {
    return `${this.prefix}:running:${target}`;
  }

  /** String: one response-cache entry (serialized JSON), under its key's hash; expires with its TTL. */
  cached(key: string): string {
    return `${this.prefix}:cache:${key}`;
  }

  /** Pub/Sub channel announcing freed concurrency slots. */
  get wake(): string {
    return `${this.prefix}:wake`;
  }
}
