import type { ErrorKind } from "./errors/error-kind.js";

/**
 * One entry of a route's `retryOn` / `fallbackOn`: an error kind (`rate_limit`) or an HTTP status
 * (`503`). A failure matches when its kind is listed or its status is; a failure without a status
 * (a reset connection) matches only by kind.
 */
export type FailureCondition = Exclude<ErrorKind, "aborted"> | number;
