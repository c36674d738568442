import type { HealthSettings, StateSettings } from "../../config/index.js";
import type { StateStore } from "../../core/index.js";
import type { LimiterPool } from "../../limits/limiter-pool.js";
import { LimiterRegistry } from "../../limits/limiter-registry.js";
import { InMemoryStateStore } from "../in-memory-state-store.js";
import type { StateEvent } from "./state-event.js";

/** The state a router routes on: its store and the rate limiters that go with it. */
export interface RoutingState {
  store: StateStore;
  limiters: LimiterPool;
}

/** A store whose rate limiters are shared too (`RedisStateStore`). */
interface SharesLimiters {
  createLimiters(): LimiterPool;
}

function sharesLimiters(store: StateStore): store is StateStore & SharesLimiters {
  return typeof (store as Partial<SharesLimiters>).createLimiters === "function";
}

export interface OpenRoutingStateOptions {
  /** A store built in code (`createRouter({ state })`); it wins over the policy's `state`. */
  store?: StateStore | undefined;
  /** Warnings when Redis goes away and comes back. */
  onEvent?: (event: StateEvent) => void;
  /** The policy's breaker and ejection thresholds, for the store opened here (not `store`'s). */
  health?: HealthSettings | undefined;
}

/**
 * Opens the state the policy's `state` section asks for: in-memory by default, or Redis shared
 * by every replica. Redis is connected (and checked) here, so an unreachable server fails the
 * router's start-up with `StateUnavailableError`. ioredis is loaded only when Redis is used.
 */
export async function openRoutingState(
  settings: StateSettings | undefined,
  options: OpenRoutingStateOptions = {},
): Promise<RoutingState> {
  const { store } = options;
  // A store built in code was given its thresholds there: the policy's apply to the one opened here.
  const thresholds = {
    ...(options.health?.breaker ? { breaker: options.health.breaker } : {}),
    ...(options.health?.ejection ? { ejection: options.health.ejection } : {}),
    ...(options.health?.targets ? { targets: options.health.targets } : {}),
  };
  if (store)
    return { store, limiters: sharesLimiters(store) ? store.createLimiters() : new LimiterRegistry() };
  if (settings === undefined || settings.store === "memory") {
    return { store: new InMemoryStateStore(thresholds), limiters: new LimiterRegistry() };
  }
  const { RedisStateStore } = await import("./redis-state-store.js");
  const redis = await RedisStateStore.connect({
    url: settings.url,
    keyPrefix: settings.keyPrefix,
    onUnavailable: settings.onUnavailable,
    ...thresholds,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  return { store: redis, limiters: redis.createLimiters() };
}
