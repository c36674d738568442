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
  /** Spend today, keyed "route:<name>" or "tag:<name>". */
  spendUsd: ReadonlyMap<string, number>;
  /** Expected wait in each target's rate-limiter queue, ms. */
  queueWaitMs: ReadonlyMap<string, number>;
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

/**
 * All mutable routing state sits behind this interface: the in-memory store serves one process,
 * a shared store (Redis) serves many replicas, and policies never know which.
 */
export interface StateStore {
  snapshot(targets: readonly string[], spendKeys: readonly string[]): Promise<StateSnapshot>;
  recordAttempt(observation: AttemptObservation): Promise<void>;
  /** Adds real spend to each key for the current UTC day. */
  addSpend(keys: readonly string[], usd: number): Promise<void>;
  close?(): Promise<void>;
}
