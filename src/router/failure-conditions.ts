import type { ErrorKind, FailureCondition, Route } from "../core/index.js";

/** What a route's conditions look at: the failure's kind and, when it had one, its HTTP status. */
export interface FailureFacts {
  kind: ErrorKind;
  status?: number | undefined;
}

function matchesAny(conditions: readonly FailureCondition[], failure: FailureFacts): boolean {
  return conditions.some((condition) =>
    typeof condition === "number" ? condition === failure.status : condition === failure.kind,
  );
}

/**
 * The route's `retryOn` decides whether a failure is worth another try on the same target; unset,
 * the provider's own reading (`retryable`: 408, 409, 429, 5xx, resets, timeouts) does.
 */
export function retriesOn(route: Route, failure: FailureFacts & { retryable: boolean }): boolean {
  return route.retryOn === undefined ? failure.retryable : matchesAny(route.retryOn, failure);
}

/**
 * The route's `fallbackOn` decides whether a failure moves the call to the next target; unset,
 * every failure does but a content-filter refusal, which needs `fallbackOnContentFilter` (another
 * model refusing the same prompt is the likely outcome, and it costs a second call).
 */
export function fallsBackOn(route: Route, failure: FailureFacts): boolean {
  if (route.fallbackOn !== undefined) return matchesAny(route.fallbackOn, failure);
  return failure.kind !== "content_filter" || route.fallbackOnContentFilter;
}
