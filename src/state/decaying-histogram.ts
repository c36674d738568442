import { decayFactor } from "./decay-factor.js";

/** Each bucket is 15% wider than the one before: quantiles come out within about ±7%. */
const growth = 1.15;
/** Buckets from 1 ms to about 1,000 s; slower values share the last bucket. */
const bucketCount = 100;
const logGrowth = Math.log(growth);

/**
 * A quantile sketch of fixed size (100 log-spaced buckets): counts decay with the same half-life
 * as the averages, so an old latency spike stops dominating the p95 once the target recovers.
 */
export class DecayingHistogram {
  readonly #halfLifeMs: number;
  readonly #counts = new Float64Array(bucketCount);
  #total = 0;
  #updatedAt = Number.NEGATIVE_INFINITY;

  constructor(halfLifeMs: number) {
    this.#halfLifeMs = halfLifeMs;
  }

  add(valueMs: number, at: number): void {
    if (this.#total > 0) {
      const decay = decayFactor(at - this.#updatedAt, this.#halfLifeMs);
      if (decay < 1) {
        for (let index = 0; index < bucketCount; index++) this.#counts[index]! *= decay;
        this.#total *= decay;
      }
    }
    this.#counts[bucketOf(valueMs)]! += 1;
    this.#total += 1;
    this.#updatedAt = Math.max(this.#updatedAt, at);
  }

  /** The value below which a fraction `q` of the (weighted) samples lie; undefined when empty. */
  quantile(q: number): number | undefined {
    if (this.#total === 0) return undefined;
    const wanted = q * this.#total;
    let below = 0;
    for (let index = 0; index < bucketCount; index++) {
      const count = this.#counts[index]!;
      if (count > 0 && below + count >= wanted) {
        const lower = index === 0 ? 0 : growth ** index;
        const upper = growth ** (index + 1);
        return lower + (upper - lower) * ((wanted - below) / count);
      }
      below += count;
    }
    return growth ** bucketCount;
  }
}

function bucketOf(valueMs: number): number {
  if (!(valueMs > 1)) return 0;
  return Math.min(bucketCount - 1, Math.floor(Math.log(valueMs) / logGrowth));
}
