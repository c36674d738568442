import type { ChatRequest } from "../../src/core/index.js";

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
