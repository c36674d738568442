/** Ten buckets per window: the window slides in tenths, and memory stays fixed. */
const bucketsPerWindow = 10;

interface Bucket {
  start: number;
  calls: number;
  failures: number;
}

/** Calls and failures over the last `windowMs`, for the circuit breaker. */
export class SlidingWindowCounter {
  readonly #windowMs: number;
  readonly #bucketMs: number;
  readonly #buckets: Bucket[];

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
    this.#bucketMs = windowMs / bucketsPerWindow;
    this.#buckets = Array.from({ length: bucketsPerWindow }, () => ({
      start: Number.NEGATIVE_INFINITY,
      calls: 0,
      failures: 0,
    }));
  }

  add(at: number, failed: boolean): void {
    const slot = Math.floor(at / this.#bucketMs);
    const bucket = this.#buckets[((slot % bucketsPerWindow) + bucketsPerWindow) % bucketsPerWindow]!;
    const start = slot * this.#bucketMs;
    if (bucket.start !== start) {
      bucket.start = start;
      bucket.calls = 0;
      bucket.failures = 0;
    }
    bucket.calls += 1;
    if (failed) bucket.failures += 1;
  }

  counts(now: number): { calls: number; failures: number } {
    let calls = 0;
    let failures = 0;
    for (const bucket of this.#buckets) {
      if (bucket.start > now - this.#windowMs && bucket.start <= now) {
        calls += bucket.calls;
        failures += bucket.failures;
      }
    }
    return { calls, failures };
  }

  reset(): void {
    for (const bucket of this.#buckets) bucket.start = Number.NEGATIVE_INFINITY;
  }
}
