import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  OpenAIError,
} from "openai";
import type { ErrorKind, ProviderCallError } from "../../src/core/index.js";
import {
  classifyStatus,
  createProviderCallError,
  isAbortError,
  parseRetryAfter,
  readShouldRetry,
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

/** Connection failures that prove the request never reached the provider. */
const notSentCodes = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

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

  if (context.signal.aborted || error instanceof APIUserAbortError || isAbortError(error)) {
    return createProviderCallError({
      ...base,
      kind: "aborted",
      retryable: false,
      detail: "the call was aborted",
      // Aborting does not stop a generation the provider already started, nor its bill.
      possiblyBilled: midStream || context.mayHaveBeenSent,
    });
  }
  if (error instanceof APIConnectionTimeoutError) {
    return createProviderCallError({
      ...base,
      kind: "timeout",
      retryable: true,
      detail: error.message,
      possiblyBilled: true,
    });
  }
  if (error instanceof APIConnectionError) {
    const sent = !hasCode(error, notSentCodes);
    return createProviderCallError({
      ...base,
      kind: "network",
      retryable: true,
      detail: describeCause(error),
      possiblyBilled: sent,
    });
  }
  if (error instanceof APIError && error.status !== undefined) return mapStatusError(error, context);
  if (error instanceof APIError) {
    // An error event inside a 200 stream: `data: {"error": {...}}`.
    const kind = kindFromBody(error.code, error.type, error.message) ?? "server";
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
  // fetch's TypeError ("terminated", "fetch failed"): the connection broke while the body was read.
  return createProviderCallError({
    ...base,
    kind: "network",
    retryable: true,
    detail: describeCause(error),
    possiblyBilled: true,
  });
}

async function mapStatusError(error: APIError, context: ErrorContext): Promise<ProviderCallError> {
  const { settings } = context;
  const status = error.status ?? 0;
  const raw = await settings.errorBody(error.headers);
  const parsed = parseErrorBody(raw);
  const message = providerMessage(parsed) ?? raw ?? error.message;
  const code = error.code ?? stringField(parsed, "code");
  const type = error.type ?? stringField(parsed, "type");

  const classified = classifyStatus(status);
  // 401, 404 and the like mean what they say whatever the message; 400-family bodies say more.
  const refined =
    status === 400 || status === 413 || status === 422 ? kindFromBody(code, type, message) : undefined;
  const quota = status === 429 && (code === "insufficient_quota" || type === "insufficient_quota");
  const kind: ErrorKind = quota ? "quota" : (refined ?? classified.kind);
  const retryable = quota || refined ? false : classified.retryable;

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

/** Error codes and messages that say more than the status (all 4xx). */
function kindFromBody(code: unknown, type: unknown, message: string): ErrorKind | undefined {
  if (
    code === "context_length_exceeded" ||
    /maximum context length|context window|too many tokens/i.test(message)
  ) {
    return "context_length";
  }
  if (code === "insufficient_quota" || type === "insufficient_quota") return "quota";
  if (
    code === "content_filter" ||
    code === "content_policy_violation" ||
    type === "content_filter" ||
    /content (management )?policy/i.test(message)
  ) {
    return "content_filter";
  }
  return undefined;
}

function hasCode(error: unknown, codes: ReadonlySet<string>, depth = 0): boolean {
  if (typeof error !== "object" || error === null || depth > 4) return false;
  if ("code" in error && typeof error.code === "string" && codes.has(error.code)) return true;
  return "cause" in error && hasCode(error.cause, codes, depth + 1);
}

function describeCause(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 4; depth += 1) {
    parts.push(current.message);
    current = current.cause;
  }
  return parts.join(": ") || String(error);
}
