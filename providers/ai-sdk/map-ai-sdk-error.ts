import type { ProviderCallError } from "../../src/core/index.js";
import {
  classifyStatusFailure,
  classifyTransportFailure,
  createProviderCallError,
  describeCause,
  type FailureBody,
  parseRetryAfter,
  readShouldRetry,
} from "../shared/index.js";

export interface AiSdkFailureContext {
  provider: string;
  model: string;
  signal: AbortSignal;
  /** The signal was not aborted when the call began. */
  mayHaveBeenSent: boolean;
  /** Part of the answer had arrived. */
  answerStarted: boolean;
  redact: (text: string) => string;
}

/** The fields of the AI SDK's `APICallError` this reads (matched by its marker, any copy of the class). */
interface ApiCallErrorFields {
  message: string;
  statusCode?: number;
  responseHeaders?: Record<string, string>;
  responseBody?: string;
  cause?: unknown;
}

const apiCallErrorMarker = Symbol.for("vercel.ai.error.AI_APICallError");

/**
 * Any failure of an AI SDK model as a `ProviderCallError`, read by the shared classifiers: an
 * `APICallError` with an error status by `classifyStatusFailure` over its body (context length,
 * quota, content filter in the provider's wording), `retry-after(-ms)` and `x-should-retry` kept;
 * one without a status (the AI SDK wraps fetch failures so), a 2xx whose body broke, and every abort
 * or fetch failure by `classifyTransportFailure`; anything else (a response the package could not parse or validate) is
 * `invalid_response`.
 */
export function mapAiSdkError(error: unknown, context: AiSdkFailureContext): ProviderCallError {
  const base = { provider: context.provider, model: context.model, redact: context.redact, cause: error };
  const apiCall = asApiCallError(error);
  // A 2xx whose body broke or could not be read: the provider answered, the failure is the transport's or the body's.
  const answered = apiCall?.statusCode !== undefined && apiCall.statusCode >= 200 && apiCall.statusCode < 300;
  if (apiCall?.statusCode !== undefined && !answered) {
    const headers = new Headers(apiCall.responseHeaders ?? {});
    const body = parseBody(apiCall.responseBody);
    const failure = failureBody(body, apiCall.message);
    const classified = rejectsTheKey(body)
      ? { kind: "auth" as const, retryable: false }
      : classifyStatusFailure(apiCall.statusCode, failure);
    return createProviderCallError({
      ...base,
      ...classified,
      retryable: readShouldRetry(headers) ?? classified.retryable,
      detail: failure.message,
      status: apiCall.statusCode,
      retryAfterMs: parseRetryAfter(headers),
      requestId: headers.get("x-request-id") ?? headers.get("request-id") ?? undefined,
      body: body ?? apiCall.responseBody,
      possiblyBilled: context.answerStarted,
    });
  }
  const transport = classifyTransportFailure(
    apiCall?.cause ?? error,
    { ...context, answerStarted: context.answerStarted || answered },
    apiCall && !answered ? "connection" : undefined,
  );
  if (transport) return createProviderCallError({ ...base, ...transport });
  return createProviderCallError({
    ...base,
    kind: "invalid_response",
    retryable: false,
    detail: describeCause(error),
    possiblyBilled: context.mayHaveBeenSent || context.answerStarted,
  });
}

function asApiCallError(error: unknown): ApiCallErrorFields | undefined {
  return typeof error === "object" && error !== null && apiCallErrorMarker in error
    ? (error as unknown as ApiCallErrorFields)
    : undefined;
}

function parseBody(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * What an error body says, in the shapes AI SDK providers meet: `{ error: { message, code, type } }`
 * (OpenAI, Google, Mistral's chat errors), `{ message, type, code }` (Mistral's gateway), and
 * `{ detail }` (validation errors).
 */
function failureBody(body: unknown, fallback: string): FailureBody {
  const record = isRecord(body) ? body : {};
  const inner = isRecord(record.error) ? record.error : record;
  const message = [inner.message, record.message, record.detail].find((value) => typeof value === "string");
  return {
    code: inner.code ?? inner.status,
    type: inner.type,
    message: typeof message === "string" ? message : fallback,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Google answers a wrong API key with 400 INVALID_ARGUMENT and says so only in the details
 * (`reason: "API_KEY_INVALID"`): an `auth` failure, which no other target of the same key fixes
 * by retrying either.
 */
function rejectsTheKey(body: unknown): boolean {
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  const details = error && Array.isArray(error.details) ? error.details : [];
  return details.some((detail) => isRecord(detail) && detail.reason === "API_KEY_INVALID");
}
