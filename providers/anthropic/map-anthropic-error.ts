import {
  AnthropicError,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from "@anthropic-ai/sdk";
import { type ErrorKind, ProviderCallError } from "../../src/core/index.js";
import {
  classifyFailureBody,
  classifyStatusFailure,
  classifyTransportFailure,
  createProviderCallError,
  describeCause,
  parseRetryAfter,
  readShouldRetry,
  type TransportHint,
} from "../shared/index.js";

export interface AnthropicErrorContext {
  provider: string;
  model: string;
  redact: (text: string) => string;
  signal: AbortSignal;
  /** The answer had started streaming: a failure now may already have been billed. */
  streaming: boolean;
}

interface Classification {
  kind: ErrorKind;
  retryable: boolean;
}

/** Error `type` of the API's error body → classification, for errors that carry no HTTP status (stream `error` events). */
const byErrorType: Record<string, Classification> = {
  invalid_request_error: { kind: "bad_request", retryable: false },
  authentication_error: { kind: "auth", retryable: false },
  permission_error: { kind: "auth", retryable: false },
  billing_error: { kind: "quota", retryable: false },
  not_found_error: { kind: "not_found", retryable: false },
  rate_limit_error: { kind: "rate_limit", retryable: true },
  timeout_error: { kind: "timeout", retryable: true },
  api_error: { kind: "server", retryable: true },
  overloaded_error: { kind: "overloaded", retryable: true },
};

/** Any failure of an Anthropic call → ProviderCallError, redacted (message, body and cause chain). */
export function mapAnthropicError(error: unknown, context: AnthropicErrorContext): ProviderCallError {
  if (ProviderCallError.isInstance(error)) return error;
  const failure = {
    provider: context.provider,
    model: context.model,
    redact: context.redact,
    cause: error,
    possiblyBilled: context.streaming,
  };
  const transport = classifyTransportFailure(
    error,
    // The adapter throws before sending when the signal is already aborted: reaching here, it went out.
    { signal: context.signal, mayHaveBeenSent: true, answerStarted: context.streaming },
    transportHint(error),
  );
  if (transport) return createProviderCallError({ ...failure, ...transport });
  if (error instanceof SyntaxError) {
    return createProviderCallError({
      ...failure,
      kind: "invalid_response",
      retryable: false,
      detail: "a stream event was not valid JSON",
    });
  }
  if (error instanceof APIError) return mapApiError(error, failure);
  if (error instanceof AnthropicError) {
    // Raised by the SDK before sending (a request it refuses to build).
    return createProviderCallError({
      ...failure,
      kind: "bad_request",
      retryable: false,
      detail: error.message,
    });
  }
  // Anything else broke while the answer was read: the request was sent and may have run.
  return createProviderCallError({
    ...failure,
    kind: "network",
    retryable: true,
    possiblyBilled: true,
    detail: describeCause(error),
  });
}

function transportHint(error: unknown): TransportHint | undefined {
  if (error instanceof APIUserAbortError) return "abort";
  if (error instanceof APIConnectionTimeoutError) return "timeout";
  return error instanceof APIConnectionError ? "connection" : undefined;
}

function mapApiError(
  error: APIError,
  failure: Omit<Parameters<typeof createProviderCallError>[0], "kind" | "retryable" | "detail">,
): ProviderCallError {
  const type = error.type ?? undefined;
  const status = error.status;
  const message = error.apiMessage ?? "";
  const classification: Classification =
    type === "overloaded_error" || status === undefined
      ? refineEvent((type && byErrorType[type]) ?? { kind: "server", retryable: true }, { type, message })
      : classifyStatusFailure(status, { type, message });
  const headers = status === undefined ? undefined : error.headers;
  const shouldRetry = readShouldRetry(headers);
  const body = error.error as { request_id?: unknown } | undefined;
  const requestId = error.requestID ?? (typeof body?.request_id === "string" ? body.request_id : undefined);
  return createProviderCallError({
    ...failure,
    kind: classification.kind,
    retryable: shouldRetry ?? classification.retryable,
    status,
    retryAfterMs: parseRetryAfter(headers),
    ...(requestId ? { requestId } : {}),
    body: error.error,
    detail: [type, message || (status === undefined ? error.message : "")].filter(Boolean).join(": "),
  });
}

/** A stream `error` event has no status: its type classifies it, its message may say more. */
function refineEvent(
  byType: Classification,
  body: { type: string | undefined; message: string },
): Classification {
  if (byType.kind !== "bad_request" && byType.kind !== "quota") return byType;
  const kind = classifyFailureBody(body);
  return kind ? { kind, retryable: false } : byType;
}
