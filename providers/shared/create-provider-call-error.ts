import { type ErrorKind, ProviderCallError } from "../../src/core/index.js";
import { bodyExcerpt } from "./body-excerpt.js";
import { redactedCause } from "./redacted-cause.js";

export interface ProviderCallFailure {
  provider: string;
  model: string;
  kind: ErrorKind;
  retryable: boolean;
  /** The provider's own explanation, or what went wrong locally. */
  detail: string;
  status?: number;
  retryAfterMs?: number;
  requestId?: string;
  /** The response body, parsed or raw; becomes a redacted excerpt. */
  body?: unknown;
  possiblyBilled?: boolean;
  cause?: unknown;
  /**
   * The provider's redactor (ResponseRedactor.redact); applied to everything that leaves the
   * adapter: message, request id, body and cause chain.
   */
  redact: (text: string) => string;
}

/**
 * The one way adapters build a ProviderCallError: message `openai:gpt-4o-mini returned 429
 * rate_limit: <detail>` (or `… failed with network: <detail>` when there is no status), message,
 * request id, body and cause chain redacted: a server can echo the key in any of them (an
 * `x-request-id: req-<key>` header reaches `requestId` and from there the route trace).
 */
export function createProviderCallError(failure: ProviderCallFailure): ProviderCallError {
  const where = `${failure.provider}:${failure.model}`;
  const what =
    failure.status === undefined
      ? `failed with ${failure.kind}`
      : `returned ${failure.status} ${failure.kind}`;
  const detail = failure.detail.replace(/\s+/g, " ").trim();
  return new ProviderCallError({
    kind: failure.kind,
    message: failure.redact(detail ? `${where} ${what}: ${detail}` : `${where} ${what}`),
    provider: failure.provider,
    model: failure.model,
    status: failure.status,
    retryable: failure.retryable,
    retryAfterMs: failure.retryAfterMs,
    requestId: failure.requestId === undefined ? undefined : failure.redact(failure.requestId),
    body: bodyExcerpt(failure.body, failure.redact),
    possiblyBilled: failure.possiblyBilled ?? false,
    cause: failure.cause === undefined ? undefined : redactedCause(failure.cause, failure.redact),
  });
}
