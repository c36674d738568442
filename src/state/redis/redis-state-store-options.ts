import type { InMemoryStateStoreOptions } from "../in-memory-state-store-options.js";
import type { RedisLimiterOptions } from "./limits/redis-limiter-options.js";
import type { RedisLinkOptions } from "./redis-link.js";

export interface RedisStateStoreOptions
  extends Omit<InMemoryStateStoreOptions, "queueWaitMs">,
    RedisLinkOptions {
  /**
   * Prefix of every key and channel, so deployments (and tests) can share one Redis. Replicas
   * that must share state use the same prefix. @default "switchyard"
   */
  keyPrefix?: string;
  /**
   * Health and latency keys of a target expire after this long without a call, ms; a target
   * idle that long has drifted back to its latency prior anyway. Must be at least the breaker
   * window, the open time and the longest ejection. @default 3600000
   */
  stateTtlMs?: number;
  /** Shared rate limiters (see `createLimiters`). */
  limiter?: RedisLimiterOptions;
}
