import type { RoutingPolicy, StrategyName } from "../src/core/index.js";
import { cheapestStrategy } from "./cost/index.js";
import { createFastestStrategy, type LatencyPolicyOptions } from "./latency/index.js";
import { leastLoadedStrategy } from "./least-loaded/index.js";
import { orderedStrategy } from "./ordered/index.js";
import { createQualityThresholdStrategy, type DifficultyScorer } from "./quality-threshold/index.js";
import { createWeightedStrategy } from "./weighted/index.js";

export interface StrategyOptions extends LatencyPolicyOptions {
  /** For `weighted`. @default Math.random */
  random?: () => number;
  /** For `quality-threshold`. @default heuristicDifficultyScorer */
  difficultyScorer?: DifficultyScorer;
}

const strategyNames: readonly StrategyName[] = [
  "ordered",
  "cheapest",
  "fastest",
  "weighted",
  "quality-threshold",
  "least-loaded",
];

/** The ranking policy of a route's `strategy`. */
export function strategyFor(name: StrategyName, options: StrategyOptions = {}): RoutingPolicy {
  switch (name) {
    case "ordered":
      return orderedStrategy;
    case "cheapest":
      return cheapestStrategy;
    case "fastest":
      return createFastestStrategy(options);
    case "weighted":
      return createWeightedStrategy(options.random ? { random: options.random } : {});
    case "quality-threshold":
      return createQualityThresholdStrategy(
        options.difficultyScorer ? { scorer: options.difficultyScorer } : {},
      );
    case "least-loaded":
      return leastLoadedStrategy;
    default:
      throw new RangeError(`Unknown strategy "${String(name)}"; expected one of ${strategyNames.join(", ")}`);
  }
}
