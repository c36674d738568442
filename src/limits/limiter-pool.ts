import type { Target } from "../core/index.js";
import type { AcquireOptions } from "./target-limiter.js";

/** Admission for one target, whether it is counted in this process or shared through Redis. */
export interface TargetGate {
  readonly target: string;
  /** Resolves with a function that frees the concurrency slot; call it once the call has finished. */
  acquire(options?: AcquireOptions): Promise<() => void>;
  /** After a 429: admit nobody until `retryAfterMs` has passed. */
  penalize(retryAfterMs: number): void;
  /** Settles a token reservation with the tokens the call really used. */
  correct(reservedTokens: number, actualTokens: number): void;
  /** How long a call reserving `tokens` would wait if it asked now, ms. An estimate for routing. */
  expectedWaitMs(tokens?: number): number;
  /** Rejects every waiter with `reason` (default: a `RouterClosedError`). */
  close(reason?: unknown): void;
  /** Admits the callers already waiting, then closes; nobody is rejected (a reload replaced it). */
  retire(): void;
  /** Closed, or retired and drained. */
  readonly closed: boolean;
}

/**
 * The router's limiters, one per target with limits: `LimiterRegistry` counts in this process,
 * `RedisLimiterRegistry` shares the counts of every replica.
 */
export interface LimiterPool {
  get(target: string): TargetGate | undefined;
  /**
   * Follows a reloaded policy: unchanged targets keep their limiter, others get a new one; a
   * replaced limiter still admits the callers already waiting on it.
   */
  update(targets: Iterable<Pick<Target, "id" | "limits">>): void;
  /** Rejects every waiter with `reason` (the router passes its `RouterClosedError`). */
  close(reason?: unknown): void;
}
