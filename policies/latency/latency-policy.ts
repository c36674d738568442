import type { Filter } from "../../src/core/index.js";
import { type LatencyPolicyOptions, resolveLatencyOptions } from "./latency-options.js";
import { predictLatency } from "./predict-latency.js";

const ms = (value: number) => `${Math.round(value)} ms`;

/**
 * Removes targets predicted to miss the latency SLO: p95 time to first token plus the
 * rate-limiter wait against `ttftMs`, and that plus `maxOutputTokens` at the measured output speed
 * against `totalMs`, the SLO being the stricter of the request's and the route's (`limits`). A
 * target without recent statistics is kept (optimism), so it gets explored.
 */
export function createLatencyPolicy(options: LatencyPolicyOptions = {}): Filter {
  const { prior, minSamples } = resolveLatencyOptions(options);
  return {
    kind: "filter",
    name: "latency",
    filter({ limits, estimate, candidates, snapshot }) {
      const { slo } = limits;
      if (slo.ttftMs === undefined && slo.totalMs === undefined) return [];
      return candidates.flatMap(({ target }) => {
        const prediction = predictLatency(target.id, estimate, snapshot, prior, minSamples);
        if (!prediction.measured) return [];
        const firstToken = `p95 first token ${ms(prediction.ttftP95Ms)} + queue ${ms(prediction.queueWaitMs)}`;
        const reasons: string[] = [];
        if (slo.ttftMs !== undefined && prediction.ttftMs > slo.ttftMs) {
          reasons.push(
            `predicted first token in ${ms(prediction.ttftMs)} (${firstToken}) misses the ${ms(slo.ttftMs)} TTFT SLO`,
          );
        }
        if (slo.totalMs !== undefined && prediction.totalMs > slo.totalMs) {
          reasons.push(
            `predicted ${ms(prediction.totalMs)} in total (${firstToken} + ${estimate.maxOutputTokens} tokens at ${Math.round(prediction.outputTokensPerSec)} tok/s) misses the ${ms(slo.totalMs)} total SLO`,
          );
        }
        return reasons.length === 0 ? [] : [{ target: target.id, reason: reasons.join("; ") }];
      });
    },
  };
}
