import type { ChatRequest, LatencySlo } from "./request.js";
import type { Route } from "./route.js";
import type { DailyLimit, StateSnapshot } from "./state.js";
import type { Target } from "./target.js";

/** What routing knows about a request before any call: counted with a real tokenizer. */
export interface RequestEstimate {
  promptTokens: number;
  maxOutputTokens: number;
}

export interface Candidate {
  target: Target;
  /** Estimated cost of one attempt at full `maxTokens`, US dollars: an upper bound. */
  estimatedCostUsd: number;
}

/**
 * The limits a call runs under, merged once by the router: for every cap, deadline and SLO the
 * stricter of the request's and the route's applies, so a caller can tighten a route, never
 * loosen it. Policies and the attempt loop read these, never the request's or route's fields.
 */
export interface CallLimits {
  /** Most the whole call may cost (retries, hedges and fallbacks included), US dollars. */
  maxCostUsd?: number;
  /** The call's deadline in ms from its start, shared by every retry and fallback. */
  timeoutMs: number;
  slo: LatencySlo;
  /**
   * The daily budgets an attempt on each of the route's targets is charged to, by target id:
   * the route's, the request's tags', the target's (a replica's policy target) and its provider's.
   */
  dailyBudgets: ReadonlyMap<string, readonly DailyLimit[]>;
}

/** The one state object every policy receives. */
export interface PolicyInput {
  request: Readonly<ChatRequest>;
  route: Readonly<Route>;
  estimate: RequestEstimate;
  candidates: readonly Candidate[];
  snapshot: StateSnapshot;
  /** The caller asked for a stream (`router.stream()`). */
  streaming: boolean;
  readonly limits: CallLimits;
}

/** A budget that an attempt's estimate would break. */
export interface BudgetBreach {
  /** "call" (the per-call cap) or the daily budget's spend key ("route:<name>", "target:<id>", …). */
  budget: string;
  limitUsd: number;
  /** Spent (and, for a daily budget, held by attempts in flight) before this attempt. */
  spentUsd: number;
  estimatedUsd: number;
}

export interface Rejection {
  target: string;
  reason: string;
  /** Set when a budget rejected the target: a call that nothing else serves ends with `BudgetExceededError`. */
  budget?: BudgetBreach;
}

/**
 * A routing filter: pure over its input, it returns the candidates it rejects and why. `kind`
 * keeps a filter from being mistaken for a strategy (an object cannot be half of each).
 */
export interface Filter {
  readonly kind: "filter";
  /** Names it in rejections; a registered filter with a built-in's name replaces that one. */
  readonly name: string;
  filter(input: PolicyInput): Rejection[];
}

/** A route's strategy: pure over its input, it returns the candidates in preference order. */
export interface Strategy {
  readonly kind: "strategy";
  /** What a route's `strategy` names; a registered one with a built-in's name replaces it. */
  readonly name: string;
  rank(input: PolicyInput): Candidate[];
}

/** Either kind of routing policy. */
export type RoutingPolicy = Filter | Strategy;

/**
 * Rates how hard a request is, from 0 (trivial) to 1 (needs the strongest model); the
 * quality-threshold strategy sends scores at or above the route's `qualityThreshold` to the
 * strong tier.
 *
 * The method is synchronous because routing is: a learned scorer (a small classifier over prompt
 * embeddings, or a router model such as RouteLLM's matrix factorization) must compute in-process
 * without I/O, e.g. a logistic regression over features precomputed when the scorer loads. Its
 * output should be calibrated so that the threshold reads as "share of requests the weak tier
 * would get wrong"; scores outside [0, 1] are rejected.
 */
export interface DifficultyScorer {
  score(request: Readonly<ChatRequest>): number;
}
