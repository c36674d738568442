import type { FailureCondition } from "./failure-condition.js";
import type { LatencySlo, PrivacyClass } from "./request.js";

/** The strategies every router has; a router's options may register more by name. */
export type BuiltinStrategyName =
  | "ordered"
  | "cheapest"
  | "fastest"
  | "weighted"
  | "quality-threshold"
  | "least-loaded";

/** A route's `strategy`: a built-in's name or one registered with the router. */
export type StrategyName = BuiltinStrategyName | (string & {});

export interface RouteBudget {
  /** Per call, retries, hedges and fallbacks included; a request may set a lower cap, not a higher one. */
  maxCostUsd?: number;
  /** Per route and UTC day: real spend plus the estimates of attempts in flight. */
  dailyUsd?: number;
}

export interface HedgeConfig {
  /** Send a second request when the first has not produced a token after about its p95 TTFT. */
  enabled: boolean;
  /** Delay before the hedge when no statistics exist yet. @default 1000 */
  delayMs?: number;
  /** Largest extra estimated spend a hedge may add, per call. @default 0.01 */
  maxExtraCostUsd?: number;
}

/**
 * A route's response cache (opt-in): an answer to an identical request on the same targets is
 * served again, without calling any target, until `ttlMs` has passed.
 */
export interface RouteCache {
  /** How long an answer is served again, ms. Required: only the operator knows how stale is fine. */
  ttlMs: number;
  /**
   * "memory": this process's own LRU; "state": the router's state store (Redis: shared by every
   * replica). @default "memory"
   */
  store: "memory" | "state";
  /** Answers the memory store keeps at most. @default 1000 */
  maxEntries: number;
  /** Bytes (serialized JSON, UTF-8) the memory store keeps at most. @default 33554432 (32 MiB) */
  maxBytes: number;
  /** An answer larger than this (serialized) is not cached, in either store. @default 1048576 (1 MiB) */
  maxEntryBytes: number;
  /**
   * Also cache requests whose temperature is not 0 (or is unset, which means the provider's
   * default, usually 1): a hit then repeats one sample instead of drawing a new one. @default false
   */
  allowNonZeroTemperature: boolean;
}

/** A resolved route of the policy. */
export interface Route {
  name: string;
  strategy: StrategyName;
  /** Target ids in the order the operator listed them. */
  targets: string[];
  /** A route tried when every target of this one failed. */
  fallback?: string;
  privacy?: PrivacyClass;
  slo?: LatencySlo;
  budget?: RouteBudget;
  /** The call's deadline; a request may shorten it, not extend it. @default 120000 */
  timeoutMs: number;
  hedge?: HedgeConfig;
  /** Per-try limit until the first token (stream) or the whole response (non-stream). @default 30000 */
  firstTokenTimeoutMs?: number;
  /** A stream that delivers no token for this long fails; keep-alives do not reset it. @default 60000 */
  idleTimeoutMs?: number;
  /** Continue a plain-text answer on the next target when a stream breaks mid-way. @default false */
  continueOnInterrupt: boolean;
  /** Fall back when a target refuses on content policy. @default false */
  fallbackOnContentFilter: boolean;
  /**
   * Failures retried on the same target. Unset: whatever the provider marks retryable (408, 409,
   * 429, 5xx, resets, timeouts).
   */
  retryOn?: FailureCondition[];
  /**
   * Failures that move on to the next target once retries are spent; any other ends the call with
   * its own error. Unset: every failure but a content-filter refusal (that one per
   * `fallbackOnContentFilter`).
   */
  fallbackOn?: FailureCondition[];
  /**
   * From the policy's `health.whenAllOpen`: when every target's breaker is open, `fail` leaves
   * none eligible, `probe` tries the one whose breaker opened first. @default "fail"
   */
  whenAllOpen?: "fail" | "probe";
  /**
   * From the policy's `health.halfOpenProbes`: calls this process sends at once to a half-open
   * target; unset, no limit.
   */
  halfOpenProbes?: number;
  /** For the quality-threshold strategy: difficulty at or above which the strong tier serves. @default 0.5 */
  qualityThreshold?: number;
  /** Serve identical requests from a response cache. @default none (no caching) */
  cache?: RouteCache;
}
