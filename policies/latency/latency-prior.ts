/**
 * What the latency policies assume of a target without statistics. Keep it equal to the state
 * store's prior (src/state), which stale statistics decay towards.
 */
export interface LatencyPrior {
  /** Assumed p95 time to first token. @default 1000 */
  ttftMs: number;
  /** Assumed output speed after the first token. @default 50 */
  outputTokensPerSec: number;
}

export const defaultLatencyPrior: Readonly<LatencyPrior> = { ttftMs: 1000, outputTokensPerSec: 50 };
