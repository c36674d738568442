import type { ErrorKind } from "../../src/core/index.js";

export interface StatusClassification {
  kind: ErrorKind;
  retryable: boolean;
}

/**
 * The provider-agnostic reading of an HTTP status (DESIGN.md, reliability defaults): 408, 409,
 * 429 and ≥500 are worth retrying, other 4xx are not. Adapters refine it with the error body
 * (context length, quota, content filter) and `x-should-retry`.
 */
export function classifyStatus(status: number): StatusClassification {
  if (status === 401 || status === 403) return { kind: "auth", retryable: false };
  if (status === 402) return { kind: "quota", retryable: false };
  if (status === 404) return { kind: "not_found", retryable: false };
  if (status === 408) return { kind: "timeout", retryable: true };
  // 409 is a lock or concurrent-update conflict on the provider's side: the request itself is fine.
  if (status === 409) return { kind: "server", retryable: true };
  if (status === 429) return { kind: "rate_limit", retryable: true };
  if (status === 529) return { kind: "overloaded", retryable: true };
  if (status >= 500) return { kind: "server", retryable: true };
  return { kind: "bad_request", retryable: false };
}
