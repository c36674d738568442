import {
  AllTargetsFailedError,
  InvalidRequestError,
  ProviderCallError,
  type RouteTrace,
  StreamInterruptedError,
  SwitchyardError,
} from "../core/index.js";
import { aiSdkErrors } from "./ai-sdk-errors.js";
import { plainJson } from "./plain-json.js";

export interface ErrorContext {
  /** The route the model stands for. */
  route: string;
  /** The AI SDK's abort signal of the call. */
  abortSignal: AbortSignal | undefined;
  /** What kind of model the route stands for, as `NoSuchModelError` names it. @default "languageModel" */
  modelType?: "languageModel" | "embeddingModel";
}

/**
 * A router failure as the AI SDK expects one:
 *
 * - the caller aborted → the signal's reason, as `fetch` rejects;
 * - an unknown route → `NoSuchModelError` (the route is the model id);
 * - any other invalid request → `InvalidArgumentError` naming the field;
 * - everything else (every target failed, a budget, a deadline, a stream cut after tokens) →
 *   `APICallError` with `isRetryable: false`: the router already retried and fell back, so the AI
 *   SDK must not start it all again. Its `data` is the Switchyard error as JSON (the route trace
 *   included); `cause` is the Switchyard error itself.
 */
export async function toAiSdkError(error: unknown, context: ErrorContext): Promise<unknown> {
  if (context.abortSignal?.aborted) return context.abortSignal.reason;
  if (!SwitchyardError.isInstance(error)) return error;
  const errors = await aiSdkErrors();
  if (InvalidRequestError.isInstance(error)) {
    if (error.field === "route") {
      return new errors.NoSuchModelError({
        modelId: context.route,
        modelType: context.modelType ?? "languageModel",
        message: error.message,
      });
    }
    return new errors.InvalidArgumentError({ argument: error.field, message: error.message, cause: error });
  }
  const trace = traceOf(error);
  return new errors.APICallError({
    message: error.message,
    url: `switchyard:route/${context.route}`,
    requestBodyValues: undefined,
    statusCode: statusOf(error, trace),
    isRetryable: false,
    cause: error,
    data: plainJson(error.toJSON()),
  });
}

function traceOf(error: SwitchyardError): RouteTrace | undefined {
  if (AllTargetsFailedError.isInstance(error) || StreamInterruptedError.isInstance(error)) return error.trace;
  if (ProviderCallError.isInstance(error)) return error.trace;
  return undefined;
}

/** The HTTP status the last upstream answered with, when one did. */
function statusOf(error: SwitchyardError, trace: RouteTrace | undefined): number | undefined {
  if (ProviderCallError.isInstance(error) && error.status !== undefined) return error.status;
  return trace?.attempts.findLast((attempt) => attempt.status !== undefined)?.status;
}
