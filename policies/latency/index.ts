export { createFastestStrategy } from "./fastest-strategy.js";
export type { LatencyPolicyOptions } from "./latency-options.js";
export { createLatencyPolicy } from "./latency-policy.js";
export { defaultLatencyPrior, type LatencyPrior } from "./latency-prior.js";
export { type LatencyPrediction, predictLatency } from "./predict-latency.js";
