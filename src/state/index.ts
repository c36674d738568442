export type { AttemptEffect } from "./attempt-effect.js";
export { attemptEffect } from "./attempt-effect.js";
export type { BreakerOptions, EjectionOptions } from "./health-options.js";
export { defaultBreakerOptions, defaultEjectionOptions } from "./health-options.js";
export { InMemoryStateStore } from "./in-memory-state-store.js";
export type { InMemoryStateStoreOptions, TargetThresholds } from "./in-memory-state-store-options.js";
export type { LatencyPrior } from "./latency-prior.js";
export { defaultLatencyPrior } from "./latency-prior.js";
export { RetryBudget, type RetryBudgetOptions } from "./retry-budget.js";
