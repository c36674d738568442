import { z } from "zod";
import type { FailureCondition } from "../core/index.js";

/** The error kinds a `retryOn` / `fallbackOn` may name: every kind but `aborted` (the caller's). */
export const FAILURE_KINDS = [
  "rate_limit",
  "overloaded",
  "server",
  "network",
  "timeout",
  "auth",
  "bad_request",
  "not_found",
  "context_length",
  "content_filter",
  "quota",
  "truncated",
  "invalid_response",
  "invalid_output",
] as const satisfies readonly FailureCondition[];

const failureConditionSchema = z.union([
  z.enum(FAILURE_KINDS),
  z.int().min(400).max(599).describe("An HTTP status code, 400–599."),
]);

/** A list of failure conditions; an empty list means "none". */
export const failureConditionsSchema = z.array(failureConditionSchema).max(64);

export const retryOnSchema = failureConditionsSchema.describe(
  "Failures retried on the same target (error kinds or HTTP statuses), up to the target's `maxAttempts`. Default: the failures the provider marks retryable (HTTP 408, 409, 429, 5xx, connection resets, timeouts).",
);

export const fallbackOnSchema = failureConditionsSchema.describe(
  "Failures that move the call to the next target once retries are spent (error kinds or HTTP statuses); any other failure ends the call with its own error. Default: every kind but `content_filter` (which falls back only with `fallbackOnContentFilter`).",
);
