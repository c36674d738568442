import type { ErrorKind } from "./errors/error-kind.js";

/** Live latency statistics of one target, from real calls. */
export interface LatencyStats {
  /** EWMA of time to first token. */
  ttftMs: number;
  /** p95 of time to first token (sketch). */
  ttftP95Ms: number;
  /** EWMA of output tokens per second after the first token. */
  outputTokensPerSec: number;
  samples: number;
  updatedAt: number;
}

export type BreakerState = "closed" | "open" | "half-open";

export interface HealthState {
  breaker: BreakerState;
  /** While ejected, until this time (ms since epoch). */
  ejectedUntil?: number;
  consecutiveFailures: number;
  /** How many times it was ejected in a row; the ejection lasts 30 s × this. */
  ejections: number;
  /** Calls and failures in the breaker's window. */
  windowCalls: number;
  windowFailures: number;
  openedAt?: number;
}

/** A read-only view of shared state at the start of a routing decision. */
export interface StateSnapshot {
  now: number;
  latency: ReadonlyMap<string, LatencyStats>;
  health: ReadonlyMap<string, HealthState>;
  /**
   * Spend today plus the estimates that attempts in flight hold, by spend key ("route:<name>",
   * "tag:<name>", "target:<id>", "provider:<id>").
   */
  spendUsd: ReadonlyMap<string, number>;
  /** Expected wait in each target's rate-limiter queue, ms. */
  queueWaitMs: ReadonlyMap<string, number>;
  /**
   * Targets paused after a 429, until when (ms since epoch): shared by every call of the process
   * and, with a shared store, of every replica. Absent from stores that do not keep pauses.
   */
  pausedUntil?: ReadonlyMap<string, number>;
  /** How busy each target is right now, as this process sees it (set by the router, not the store). */
  load?: ReadonlyMap<string, TargetLoad>;
  /**
   * Characters of this request's prompt that each target served as a prefix recently, so its KV
   * cache likely still holds them (replicas of one model only; set by the router).
   */
  prefixChars?: ReadonlyMap<string, number>;
}

/** A target's load as this process sees it. */
export interface TargetLoad {
  /** Calls this router has placed on the target and not finished. */
  inFlight: number;
  /** Requests its engine runs or holds (a local engine's busy slots plus its queue). */
  engineBusy?: number;
  /** Calls it serves at once without queueing: a local engine's slots, else `limits.maxConcurrent`. */
  capacity?: number;
}

/**
 * How full a target is: 0 idle, 1 every slot taken, above 1 calls queue. Without a known capacity,
 * the number of calls in flight.
 */
export function occupancy(load: TargetLoad | undefined): number {
  if (!load) return 0;
  const busy = Math.max(load.inFlight, load.engineBusy ?? 0);
  return load.capacity && load.capacity > 0 ? busy / load.capacity : busy;
}

export interface AttemptObservation {
  target: string;
  ok: boolean;
  errorKind?: ErrorKind;
  ttftMs?: number;
  totalMs: number;
  outputTokens: number;
  at: number;
}

/** A daily cap on one spend key ("route:<name>", "tag:<name>", "target:<id>", "provider:<id>"). */
export interface DailyLimit {
  key: string;
  /** US dollars per UTC day. */
  limitUsd: number;
}

/** Tokens an attempt was billed for, recorded beside its cost. */
export interface SpendTokens {
  inputTokens: number;
  outputTokens: number;
}

/** What one spend key has recorded on one day. */
export interface SpendTotals {
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
}

/** Every spend key's totals of the current UTC day, the day daily budgets count. */
export interface SpendToday {
  /** The UTC day, `YYYY-MM-DD`. */
  day: string;
  /** By spend key ("route:<name>", "tag:<tag>", "target:<id>", "provider:<id>"). */
  keys: ReadonlyMap<string, SpendTotals>;
}

export type SpendHoldResult =
  | {
      ok: true;
      /** Gives the hold back; the router calls it once the attempt's real cost is recorded. */
      release(): Promise<void>;
    }
  /** The hold would break `key`'s limit: `spentUsd` is what is spent and held on it already. */
  | { ok: false; key: string; limitUsd: number; spentUsd: number };

/**
 * All mutable routing state sits behind this interface: the in-memory store serves one process,
 * a shared store (Redis) serves many replicas, and policies never know which.
 *
 * Money: before each attempt is sent the router holds its upper-bound estimate (`holdSpend`);
 * after it, the router records the real cost (`addSpend`) and only then releases the hold, so a
 * key never counts less than is spent. A store keeps every cap as long as `holdSpend` checks
 * and takes a hold atomically with respect to every other hold and spend of every process that
 * shares the store.
 */
export interface StateStore {
  /** Statistics of `targets` and the spend of `spendKeys` today, holds in flight included. */
  snapshot(targets: readonly string[], spendKeys: readonly string[]): Promise<StateSnapshot>;
  recordAttempt(observation: AttemptObservation): Promise<void>;
  /**
   * Adds real spend to each key for the current UTC day, with the tokens it paid for when known
   * (a free local target records tokens at no cost).
   */
  addSpend(keys: readonly string[], usd: number, tokens?: SpendTokens): Promise<void>;
  /**
   * What every spend key has recorded today (real spend only, holds in flight not included),
   * for `router.usage()`. A store without it makes `usage()` reject with `InvalidOptionsError`.
   */
  spendToday?(): Promise<SpendToday>;
  /**
   * Holds `usd` against every limit at once, or refuses naming the first limit it would break
   * (spent + held + `usd` above `limitUsd`); with no limits it holds nothing and succeeds. Held
   * amounts count in `snapshot().spendUsd` until released. A hold that is never released (its
   * process died mid-call) lapses after `ttlMs`.
   */
  holdSpend(limits: readonly DailyLimit[], usd: number, ttlMs: number): Promise<SpendHoldResult>;
  /**
   * Pauses `target` until `untilMs` (ms since epoch) after a 429, for every call that shares the
   * store; a shorter pause never shortens a longer one. Read back in `snapshot().pausedUntil`.
   */
  pauseTarget?(target: string, untilMs: number): Promise<void>;
  /**
   * The value `setCached` stored under `key`, or undefined when there is none or it expired.
   * Backs the response cache of routes with `cache.store: state`; a store without it cannot.
   */
  getCached?(key: string): Promise<string | undefined>;
  /**
   * Stores `value` under `key` for `ttlMs`, for every process that shares the store; a later
   * value replaces an earlier one. Best effort: a store may evict an entry before it expires.
   */
  setCached?(key: string, value: string, ttlMs: number): Promise<void>;
  close?(): Promise<void>;
}
