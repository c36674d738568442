import type { StateSettings } from "../../config/index.js";
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
  if (store)
    return { store, limiters: sharesLimiters(store) ? store.createLimiters() : new LimiterRegistry() };
  if (settings === undefined || settings.store === "memory") {
    return { store: new InMemoryStateStore(), limiters: new LimiterRegistry() };
  }
  const { RedisStateStore } = await import("./redis-state-store.js");
  const redis = await RedisStateStore.connect({
    url: settings.url,
    keyPrefix: settings.keyPrefix,
    onUnavailable: settings.onUnavailable,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  return { store: redis, limiters: redis.createLimiters() };
}
