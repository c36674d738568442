/** What is assumed of a target before (or long after) its last real call. */
export interface LatencyPrior {
  /** Assumed time to first token, used for both the average and the p95. @default 1000 */
  ttftMs: number;
  /** Assumed output speed after the first token. @default 50 */
  outputTokensPerSec: number;
}

export const defaultLatencyPrior: Readonly<LatencyPrior> = { ttftMs: 1000, outputTokensPerSec: 50 };
