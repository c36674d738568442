import type { ErrorKind } from "./errors/error-kind.js";
import type { BudgetBreach } from "./policy.js";
import type { RouteSelection } from "./route-selection.js";

export type AttemptOutcome = "success" | "error" | "aborted" | "interrupted";

export interface AttemptRecord {
  target: string;
  provider: string;
  model: string;
  outcome: AttemptOutcome;
  errorKind?: ErrorKind;
  /** One line, secrets redacted. */
  errorMessage?: string;
  status?: number;
  ms: number;
  costUsd: number;
  /** The provider may have charged for it (a timeout or interruption after the request was accepted). */
  possiblyBilled: boolean;
  requestId?: string;
}

export interface RejectedCandidate {
  target: string;
  /** The policy that rejected it. */
  policy: string;
  reason: string;
  /** The budget that rejected it, when one did. */
  budget?: BudgetBreach;
}

/** A target the call passed over, or waited on, because it was paused or over its rate limits. */
export interface PausedTarget {
  target: string;
  /** Until when it admits nothing (ms since epoch). */
  until: number;
  /** "retry-after": a 429 paused it; "rate-limit": its own limiter (rpm, tpm, concurrency) is full. */
  reason: "retry-after" | "rate-limit";
  /** Skipped because another target could take the call now, or waited on because none could. */
  action: "skipped" | "waited";
}

/** The route's fallback route was tried, and why. */
export interface FallbackRecord {
  from: string;
  to: string;
  /**
   * "no-eligible-target": every target of `from` was rejected (see `rejected`); "all-paused": every
   * one was paused (see `paused`; waited on only if the fallback routes do not answer);
   * "exhausted": every attempt failed.
   */
  reason: "no-eligible-target" | "all-paused" | "exhausted";
}

/**
 * What the route's response cache did for a call: "hit" served it from the cache (no attempt,
 * `costUsd` 0); "miss" looked it up, found nothing and sent it to the targets; "bypass" did not
 * look (the request's temperature is not 0 and the route does not allow that).
 */
export type CacheStatus = "hit" | "miss" | "bypass";

/** Every result explains its choice. */
export interface RouteTrace {
  /** The call's id: on every event, span, log line and error of the call. */
  callId: string;
  route: string;
  /** How the route was chosen; present when the policy has `select` rules. */
  selection?: RouteSelection;
  /** The target that produced the answer, when one did. */
  target?: string;
  provider?: string;
  model?: string;
  /** Candidates in the order they were ranked. */
  ranked: string[];
  attempts: AttemptRecord[];
  rejected: RejectedCandidate[];
  /** Paused or over-limit targets the call skipped or waited on (absent when none). */
  paused?: PausedTarget[];
  /** Fallback routes the call moved to, with why (absent when none). */
  fallbacks?: FallbackRecord[];
  /** What the route's response cache did (absent when the route has no cache). */
  cache?: CacheStatus;
  /** On a cache hit: when the answer was stored, ms since epoch. */
  cachedAt?: number;
}
