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
