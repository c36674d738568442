import type { BuiltinStrategyName, Strategy, StrategyName } from "../src/core/index.js";
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

/** Builds each built-in strategy by the name a route's `strategy` gives it. */
export const builtinStrategies: Readonly<
  Record<BuiltinStrategyName, (options: StrategyOptions) => Strategy>
> = {
  ordered: () => orderedStrategy,
  cheapest: () => cheapestStrategy,
  fastest: (options) => createFastestStrategy(options),
  weighted: (options) => createWeightedStrategy(options.random ? { random: options.random } : {}),
  "quality-threshold": (options) =>
    createQualityThresholdStrategy(options.difficultyScorer ? { scorer: options.difficultyScorer } : {}),
  "least-loaded": () => leastLoadedStrategy,
};

const strategyNames = Object.keys(builtinStrategies);

/** The built-in strategy of a route's `strategy`. */
export function strategyFor(name: StrategyName, options: StrategyOptions = {}): Strategy {
  const build = Object.hasOwn(builtinStrategies, name)
    ? builtinStrategies[name as BuiltinStrategyName]
    : undefined;
  if (!build)
    throw new RangeError(`Unknown strategy "${String(name)}"; expected one of ${strategyNames.join(", ")}`);
  return build(options);
}
