export type { RedisLimiterOptions } from "./redis-limiter-options.js";
export { RedisLimiterRegistry } from "./redis-limiter-registry.js";
export { RedisTargetLimiter } from "./redis-target-limiter.js";
