import { z } from "zod";
import { type ErrorKind, ProviderCallError } from "../../src/core/index.js";
import {
  classifyFailureBody,
  classifyStatusFailure,
  classifyTransportFailure,
  createProviderCallError,
  describeCause,
  parseRetryAfter,
} from "../shared/index.js";
import { ReplicateHttpError } from "./single-shot-replicate.js";

export interface ReplicateErrorContext {
  provider: string;
  model: string;
  redact: (text: string) => string;
  signal: AbortSignal;
}

export interface ReplicateFailureState {
  /** A prediction was created: it may have run and been billed. */
  possiblyBilled: boolean;
  /** The prediction's id, once there is one. */
  predictionId?: string;
}

const safetyPattern = /nsfw|safety|content (policy|filter)|flagged|inappropriate/i;

/** Any failure of a Replicate call → ProviderCallError, redacted (message, body and cause chain). */
export function mapReplicateError(
  error: unknown,
  context: ReplicateErrorContext,
  state: ReplicateFailureState,
): ProviderCallError {
  if (ProviderCallError.isInstance(error)) return error;
  const failure = {
    provider: context.provider,
    model: context.model,
    redact: context.redact,
    cause: error,
    possiblyBilled: state.possiblyBilled,
    ...(state.predictionId ? { requestId: state.predictionId } : {}),
  };
  const transport = classifyTransportFailure(error, {
    signal: context.signal,
    // The adapter throws before sending when the signal is already aborted: reaching here, it went out.
    mayHaveBeenSent: true,
    answerStarted: state.possiblyBilled,
  });
  if (transport) return createProviderCallError({ ...failure, ...transport });
  if (error instanceof ReplicateHttpError) {
    const body = parseProblem(error.body);
    const detail = body ? [body.title, body.detail].filter(Boolean).join(": ") : error.body;
    const classification = classifyStatusFailure(error.status, { message: detail });
    return createProviderCallError({
      ...failure,
      ...classification,
      status: error.status,
      retryAfterMs: parseRetryAfter(error.headers),
      body: body ?? error.body,
      detail,
    });
  }
  if (error instanceof z.ZodError || error instanceof SyntaxError) {
    return createProviderCallError({
      ...failure,
      kind: "invalid_response",
      retryable: false,
      detail: "the API answered with an unexpected prediction shape",
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

/**
 * A prediction that ended without output (status `failed`, `canceled`, or an `error` event):
 * safety refusals are content_filter, a prompt over the window is context_length, anything else
 * a server-side failure worth another attempt. Canceled by someone else reads as aborted.
 */
export function predictionFailure(
  outcome: { status: "failed" | "canceled"; error: string },
  context: ReplicateErrorContext,
  predictionId: string,
): ProviderCallError {
  const base = {
    provider: context.provider,
    model: context.model,
    redact: context.redact,
    possiblyBilled: true,
  };
  if (outcome.status === "canceled") {
    return createProviderCallError({
      ...base,
      kind: "aborted",
      retryable: false,
      requestId: predictionId,
      detail: `prediction ${predictionId} was canceled`,
    });
  }
  const classification = safetyPattern.test(outcome.error)
    ? { kind: "content_filter" as const, retryable: false }
    : refine({ kind: "server", retryable: true }, outcome.error);
  return createProviderCallError({
    ...base,
    ...classification,
    requestId: predictionId,
    detail: `prediction ${predictionId} failed: ${outcome.error || "no error message"}`,
  });
}

function refine(classification: { kind: ErrorKind; retryable: boolean }, detail: string) {
  const kind = classifyFailureBody({ message: detail });
  return kind === "quota" || kind === "context_length" ? { kind, retryable: false } : classification;
}

const problemSchema = z.looseObject({ title: z.string().optional(), detail: z.string().optional() });

/** Replicate answers errors as RFC 7807 problem details: `{ title, detail, status }`. */
function parseProblem(text: string): z.infer<typeof problemSchema> | undefined {
  try {
    const parsed = problemSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
