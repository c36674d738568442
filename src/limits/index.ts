export type { LimiterPool, TargetGate } from "./limiter-pool.js";
export { LimiterRegistry } from "./limiter-registry.js";
export { LimiterWaitError } from "./limiter-wait-error.js";
export { type AcquireOptions, TargetLimiter } from "./target-limiter.js";
