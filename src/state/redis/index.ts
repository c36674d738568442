export { holdDailySpend } from "./hold-daily-spend.js";
export { type OpenRoutingStateOptions, openRoutingState, type RoutingState } from "./open-routing-state.js";
export type { UnavailableMode } from "./redis-link.js";
export { RedisStateStore } from "./redis-state-store.js";
export type { RedisStateStoreOptions } from "./redis-state-store-options.js";
export { canHoldSpend, type DailyLimit, type SpendHoldResult, type SpendHolds } from "./spend-holds.js";
export type { StateEvent } from "./state-event.js";
export { StateUnavailableError } from "./state-unavailable-error.js";
