import type { Strategy } from "../../src/core/index.js";
import { type LatencyPolicyOptions, resolveLatencyOptions } from "./latency-options.js";
import { predictLatency } from "./predict-latency.js";

/**
 * Shortest predicted total latency first (p95 first token + queue wait + output at the measured
 * speed); targets without statistics are ranked by the prior. Ties keep the route's order.
 */
export function createFastestStrategy(options: LatencyPolicyOptions = {}): Strategy {
  const { prior, minSamples } = resolveLatencyOptions(options);
  return {
    kind: "strategy",
    name: "fastest",
    rank({ route, estimate, candidates, snapshot }) {
      const position = new Map(route.targets.map((id, index) => [id, index]));
      const order = (id: string) => position.get(id) ?? route.targets.length;
      const predicted = new Map(
        candidates.map(({ target }) => [
          target.id,
          predictLatency(target.id, estimate, snapshot, prior, minSamples).totalMs,
        ]),
      );
      const totalOf = (id: string) => predicted.get(id) ?? Number.POSITIVE_INFINITY;
      return [...candidates].sort(
        (a, b) => totalOf(a.target.id) - totalOf(b.target.id) || order(a.target.id) - order(b.target.id),
      );
    },
  };
}
