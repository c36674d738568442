import type { ChatRequest } from "./request.js";
import type { Route } from "./route.js";
import type { StateSnapshot } from "./state.js";
import type { Target } from "./target.js";

/** What routing knows about a request before any call: counted with a real tokenizer. */
export interface RequestEstimate {
  promptTokens: number;
  maxOutputTokens: number;
}

export interface Candidate {
  target: Target;
  /** Estimated cost of one attempt at full `maxTokens`, US dollars. */
  estimatedCostUsd: number;
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
}

export interface Rejection {
  target: string;
  reason: string;
}

/**
 * A routing policy: pure over its input. `filter` returns the candidates it rejects and why;
 * `rank` returns the candidates in preference order (strategies).
 */
export interface RoutingPolicy {
  readonly name: string;
  filter?(input: PolicyInput): Rejection[];
  rank?(input: PolicyInput): Candidate[];
}
