import type { Strategy, Target } from "../../src/core/index.js";
import type { DifficultyScorer } from "./difficulty-scorer.js";
import { heuristicDifficultyScorer } from "./heuristic-difficulty-scorer.js";

export interface QualityThresholdStrategyOptions {
  /** Rates each request's difficulty from 0 to 1. @default heuristicDifficultyScorer */
  scorer?: DifficultyScorer;
}

/**
 * Sends hard requests to the strong tier and easy ones to the weak tier: difficulty at or above
 * the route's `qualityThreshold` (default 0.5) puts strong targets first, below it weak ones. The
 * other tier follows as the fallback, then targets without a tier; each group keeps route order.
 */
export function createQualityThresholdStrategy(options: QualityThresholdStrategyOptions = {}): Strategy {
  const scorer = options.scorer ?? heuristicDifficultyScorer;
  return {
    kind: "strategy",
    name: "quality-threshold",
    rank({ request, route, candidates }) {
      const difficulty = scorer.score(request);
      if (!(difficulty >= 0 && difficulty <= 1)) {
        throw new RangeError(
          `quality-threshold strategy: the difficulty scorer returned ${difficulty}; expected a number from 0 to 1`,
        );
      }
      const preferred: Target["tier"] = difficulty >= (route.qualityThreshold ?? 0.5) ? "strong" : "weak";
      const group = (target: Target) => (target.tier === preferred ? 0 : target.tier === undefined ? 2 : 1);
      const position = new Map(route.targets.map((id, index) => [id, index]));
      const order = (id: string) => position.get(id) ?? route.targets.length;
      return [...candidates].sort(
        (a, b) => group(a.target) - group(b.target) || order(a.target.id) - order(b.target.id),
      );
    },
  };
}
