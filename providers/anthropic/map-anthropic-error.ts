import {
  AnthropicError,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from "@anthropic-ai/sdk";
import { type ErrorKind, ProviderCallError } from "../../src/core/index.js";
import {
  classifyStatus,
  createProviderCallError,
  isAbortError,
  parseRetryAfter,
  readShouldRetry,
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

const contextLengthPattern = /prompt is too long|context (window|length)|too many (input )?tokens/i;
const quotaPattern = /credit balance|usage limit|billing/i;

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
  if (context.signal.aborted || error instanceof APIUserAbortError || isAbortError(error)) {
    return createProviderCallError({
      ...failure,
      kind: "aborted",
      retryable: false,
      detail: "the call was aborted",
    });
  }
  if (error instanceof APIConnectionTimeoutError) {
    // The request was sent: the generation may have run and been billed.
    return createProviderCallError({
      ...failure,
      kind: "timeout",
      retryable: true,
      possiblyBilled: true,
      detail: "the request timed out",
    });
  }
  if (error instanceof APIConnectionError) {
    return createProviderCallError({ ...failure, kind: "network", retryable: true, detail: describe(error) });
  }
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
  // Undici reports a connection dropped mid-body as a bare TypeError ("terminated").
  return createProviderCallError({ ...failure, kind: "network", retryable: true, detail: describe(error) });
}

function mapApiError(
  error: APIError,
  failure: Omit<Parameters<typeof createProviderCallError>[0], "kind" | "retryable" | "detail">,
): ProviderCallError {
  const type = error.type ?? undefined;
  const status = error.status;
  const message = error.apiMessage ?? "";
  const classification: Classification = {
    ...(type === "overloaded_error" || status === undefined
      ? ((type && byErrorType[type]) ?? { kind: "server", retryable: true })
      : classifyStatus(status)),
  };
  if (classification.kind === "bad_request" && contextLengthPattern.test(message)) {
    classification.kind = "context_length";
  }
  if ((type === "billing_error" || classification.kind === "bad_request") && quotaPattern.test(message)) {
    Object.assign(classification, { kind: "quota", retryable: false });
  }
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

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
  return `${error.message}${cause}`;
}
