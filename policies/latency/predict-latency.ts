import type { RequestEstimate, StateSnapshot } from "../../src/core/index.js";
import type { LatencyPrior } from "./latency-prior.js";

export interface LatencyPrediction {
  /** p95 time to first token plus the rate-limiter wait, ms. */
  ttftMs: number;
  /** First token plus `maxOutputTokens` at the target's output speed, ms. */
  totalMs: number;
  /** The p95 time to first token used, ms (measured, or the prior). */
  ttftP95Ms: number;
  queueWaitMs: number;
  outputTokensPerSec: number;
  /** False when the figures are the prior's: no recent samples. */
  measured: boolean;
}

/**
 * Predicts a call's latency on a target from the snapshot. Statistics whose (decayed) sample
 * weight is below `minSamples` count as unknown and the prior stands in for them.
 */
export function predictLatency(
  target: string,
  estimate: RequestEstimate,
  snapshot: StateSnapshot,
  prior: LatencyPrior,
  minSamples: number,
): LatencyPrediction {
  const stats = snapshot.latency.get(target);
  const measured = stats !== undefined && stats.samples >= minSamples;
  const ttftP95Ms = measured ? stats.ttftP95Ms : prior.ttftMs;
  const outputTokensPerSec =
    measured && stats.outputTokensPerSec > 0 ? stats.outputTokensPerSec : prior.outputTokensPerSec;
  const queueWaitMs = snapshot.queueWaitMs.get(target) ?? 0;
  const ttftMs = ttftP95Ms + queueWaitMs;
  return {
    ttftMs,
    totalMs: ttftMs + (estimate.maxOutputTokens / outputTokensPerSec) * 1000,
    ttftP95Ms,
    queueWaitMs,
    outputTokensPerSec,
    measured,
  };
}
