export type { LimiterPool, TargetGate } from "./limiter-pool.js";
export { LimiterRegistry } from "./limiter-registry.js";
export { type AcquireOptions, TargetLimiter } from "./target-limiter.js";
