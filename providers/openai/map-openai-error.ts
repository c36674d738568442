import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  OpenAIError,
} from "openai";
import type { ProviderCallError } from "../../src/core/index.js";
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
import type { ChatModelSettings } from "./chat-model-settings.js";
import { parseErrorBody, providerMessage, stringField } from "./read-error-body.js";

export interface ErrorContext {
  settings: ChatModelSettings;
  /** "request": nothing of an answer was received yet; "stream": the answer had started. */
  phase: "request" | "stream";
  /** The caller's signal: an abort is reported as such whatever the SDK made of it. */
  signal: AbortSignal;
  /** The signal was not yet aborted when the call began, so the request may have gone out. */
  mayHaveBeenSent: boolean;
}

/** Any failure of an OpenAI SDK call → ProviderCallError (status, body, retry hints, billing). */
export async function mapOpenAIError(error: unknown, context: ErrorContext): Promise<ProviderCallError> {
  const { settings, phase } = context;
  const base = {
    provider: settings.provider,
    model: settings.model,
    redact: settings.redactor.redact,
    cause: error,
  };
  const midStream = phase === "stream";

  const transport = classifyTransportFailure(
    error,
    { signal: context.signal, mayHaveBeenSent: context.mayHaveBeenSent, answerStarted: midStream },
    transportHint(error),
  );
  if (transport) return createProviderCallError({ ...base, ...transport });
  if (error instanceof APIError && error.status !== undefined) return mapStatusError(error, context);
  if (error instanceof APIError) {
    // An error event inside a 200 stream: `data: {"error": {...}}`.
    const kind =
      classifyFailureBody({ code: error.code, type: error.type, message: error.message }) ?? "server";
    return createProviderCallError({
      ...base,
      kind,
      retryable: kind === "server" || kind === "overloaded" || kind === "rate_limit",
      detail: error.message,
      body: error.error,
      requestId: error.requestID ?? undefined,
      possiblyBilled: true,
    });
  }
  if (error instanceof SyntaxError) {
    return createProviderCallError({
      ...base,
      kind: "invalid_response",
      retryable: false,
      detail: `could not decode the ${midStream ? "stream" : "response"}: ${error.message}`,
      possiblyBilled: true,
    });
  }
  if (error instanceof OpenAIError) {
    return createProviderCallError({
      ...base,
      kind: "invalid_response",
      retryable: false,
      detail: error.message,
      possiblyBilled: midStream,
    });
  }
  // Anything else broke while the answer was read: the request was sent and may have run.
  return createProviderCallError({
    ...base,
    kind: "network",
    retryable: true,
    detail: describeCause(error),
    possiblyBilled: context.mayHaveBeenSent || midStream,
  });
}

function transportHint(error: unknown): TransportHint | undefined {
  if (error instanceof APIUserAbortError) return "abort";
  if (error instanceof APIConnectionTimeoutError) return "timeout";
  return error instanceof APIConnectionError ? "connection" : undefined;
}

async function mapStatusError(error: APIError, context: ErrorContext): Promise<ProviderCallError> {
  const { settings } = context;
  const status = error.status ?? 0;
  const raw = await settings.errorBody(error.headers);
  const parsed = parseErrorBody(raw);
  const message = providerMessage(parsed) ?? raw ?? error.message;
  const code = error.code ?? stringField(parsed, "code");
  const type = error.type ?? stringField(parsed, "type");

  const { kind, retryable } = classifyStatusFailure(status, { code, type, message });

  return createProviderCallError({
    provider: settings.provider,
    model: settings.model,
    redact: settings.redactor.redact,
    cause: error,
    kind,
    status,
    retryable: readShouldRetry(error.headers) ?? retryable,
    retryAfterMs: parseRetryAfter(error.headers),
    requestId: error.requestID ?? error.headers?.get("x-request-id") ?? undefined,
    detail: message,
    body: raw ?? error.error,
    possiblyBilled: false,
  });
}
