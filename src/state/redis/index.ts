export { type OpenRoutingStateOptions, openRoutingState, type RoutingState } from "./open-routing-state.js";
export type { UnavailableMode } from "./redis-link.js";
export { RedisStateStore } from "./redis-state-store.js";
export type { RedisStateStoreOptions } from "./redis-state-store-options.js";
export type { StateEvent } from "./state-event.js";
export { StateUnavailableError } from "./state-unavailable-error.js";
