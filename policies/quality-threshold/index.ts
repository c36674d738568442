export type { DifficultyScorer } from "./difficulty-scorer.js";
export { heuristicDifficultyScorer } from "./heuristic-difficulty-scorer.js";
export {
  createQualityThresholdStrategy,
  type QualityThresholdStrategyOptions,
} from "./quality-threshold-strategy.js";
