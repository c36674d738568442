export { createWeightedStrategy, type WeightedStrategyOptions } from "./weighted-strategy.js";
