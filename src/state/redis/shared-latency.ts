import type { LatencyStats } from "../../core/index.js";
import { decayFactor } from "../decay-factor.js";
import type { LatencyPrior } from "../latency-prior.js";

/** The sketch's buckets, as in `DecayingHistogram`: each 15% wider than the one before, 1 ms to ~1,000 s. */
const growth = 1.15;
const bucketCount = 100;
const logGrowth = Math.log(growth);

/** Sketch bucket of a time to first token (same buckets as the in-memory `DecayingHistogram`). */
export function latencyBucket(valueMs: number): number {
  if (!(valueMs > 1)) return 0;
  return Math.min(bucketCount - 1, Math.floor(Math.log(valueMs) / logGrowth));
}

/** The JSON written by `recordLatencyScript`. */
interface StoredLatency {
  ref: number;
  ts: number;
  tw: number;
  ss: number;
  sw: number;
  h: Record<string, number>;
  ht: number;
  up: number;
}

/**
 * `TargetLatency.stats(now)` over the merged figures of every replica: weighted means, the p95
 * from the sketch, each drifting back to the prior as the newest sample ages.
 */
export function sharedLatencyStats(
  raw: string | null,
  now: number,
  prior: LatencyPrior,
  halfLifeMs: number,
): LatencyStats | undefined {
  if (raw === null) return undefined;
  const stored = JSON.parse(raw) as StoredLatency;
  const freshness = decayFactor(now - stored.up, halfLifeMs);
  const towardsPrior = (value: number | undefined, priorValue: number): number =>
    value === undefined ? priorValue : priorValue + (value - priorValue) * freshness;
  return {
    ttftMs: towardsPrior(stored.tw > 0 ? stored.ts / stored.tw : undefined, prior.ttftMs),
    ttftP95Ms: towardsPrior(quantile(stored, 0.95), prior.ttftMs),
    outputTokensPerSec: towardsPrior(
      stored.sw > 0 ? stored.ss / stored.sw : undefined,
      prior.outputTokensPerSec,
    ),
    samples: stored.tw * 2 ** ((stored.ref - now) / halfLifeMs),
    updatedAt: stored.up,
  };
}

function quantile(stored: StoredLatency, q: number): number | undefined {
  if (!(stored.ht > 0)) return undefined;
  const wanted = q * stored.ht;
  let below = 0;
  for (let index = 0; index < bucketCount; index++) {
    const count = stored.h[`b${index}`] ?? 0;
    if (count > 0 && below + count >= wanted) {
      const lower = index === 0 ? 0 : growth ** index;
      const upper = growth ** (index + 1);
      return lower + (upper - lower) * ((wanted - below) / count);
    }
    below += count;
  }
  return growth ** bucketCount;
}
