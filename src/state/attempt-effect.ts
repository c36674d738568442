import type { AttemptObservation, ErrorKind } from "../core/index.js";

/** What an attempt says about the target's health. */
export type AttemptEffect = "success" | "failure" | "ignored";

/**
 * Error kinds that say the target itself is unwell or unusable. `auth` and `not_found` count:
 * a revoked key or a retired model fails every call until an operator acts, so the target should
 * leave the rotation like an unreachable one.
 */
const targetFailures: ReadonlySet<ErrorKind> = new Set<ErrorKind>([
  "server",
  "overloaded",
  "network",
  "timeout",
  "rate_limit",
  "quota",
  "invalid_response",
  "truncated",
  "auth",
  "not_found",
]);

/**
 * Classifies an attempt for the breaker and outlier ejection. The caller's own problems
 * (`bad_request`, `context_length`, `content_filter`) prove the target answered, so they count as
 * healthy calls; `aborted` says nothing about the target and is ignored.
 */
export function attemptEffect(observation: AttemptObservation): AttemptEffect {
  if (observation.ok) return "success";
  if (observation.errorKind === "aborted") return "ignored";
  if (observation.errorKind === undefined || targetFailures.has(observation.errorKind)) return "failure";
  return "success";
}
