import {
  InvalidOutputError,
  ProviderCallError,
  QueueFullError,
  StreamInterruptedError,
  type Usage,
} from "../core/index.js";
import type { AttemptDecision } from "./attempt-failure.js";
import { backoffMs } from "./backoff.js";
import type { AttemptObserver } from "./call-observer.js";
import type { CallState } from "./call-state.js";
import { fallsBackOn, retriesOn } from "./failure-conditions.js";
import { HedgeCancelled } from "./hedge-cancelled.js";
import type { ResponseCollector } from "./response-collector.js";
import type { TargetAttempt } from "./target-attempt.js";

/** Retry-after hints above this fail over instead of sleeping. @default 60000 */
const maximumRetryAfterMs = 60_000;

export interface FailedAttempt {
  collector: ResponseCollector;
  elapsedMs: number;
  ttftMs: number | undefined;
  /** The request left the admission gate: it may have reached the provider. */
  sent: boolean;
  /** The attempt's observer, once it was sent. */
  watch: AttemptObserver | undefined;
}

/** Records the failed attempt and decides: retry the same target, move on, or end the call. */
export async function decideAfterFailure(
  attempt: TargetAttempt,
  error: unknown,
  failed: FailedAttempt,
): Promise<AttemptDecision> {
  const { context, state, route, candidate, signal } = attempt;
  const { collector } = failed;
  const target = candidate.target;
  const callAborted = signal.aborted;
  const lostHedge = callAborted && signal.reason instanceof HedgeCancelled;
  const providerError = ProviderCallError.isInstance(error) && !callAborted ? error : undefined;
  if (QueueFullError.isInstance(error)) {
    state.trace.rejected.push({ target: target.id, policy: "rate-limit", reason: error.message });
    state.errors.push(error);
    return { type: "next" };
  }
  if (!providerError && !callAborted) {
    return { type: "stop", error };
  }
  if (providerError) providerError.target = target.id;
  const possiblyBilled =
    failed.sent && (callAborted || (providerError?.possiblyBilled ?? false) || collector.deliveredParts > 0);
  // An answer that came whole (an invalid output) carries what the provider billed.
  const billed = collector.usage;
  const outputTokens = billed?.outputTokens ?? (await context.countTokens(collector.text));
  // What the target may have billed for the prompt, at most: the budgets must not undercount it.
  const promptTokens = billed?.inputTokens ?? context.billablePromptTokens(state.request, target);
  const costUsd = !possiblyBilled
    ? 0
    : billed
      ? context.actualCostUsd(target.price, billed)
      : context.estimateCostUsd(target.price, promptTokens, outputTokens);
  const usage: Usage = { inputTokens: possiblyBilled ? promptTokens : 0, outputTokens };
  const abortMessage = lostHedge ? (signal.reason as HedgeCancelled).message : undefined;
  await state.record(
    route,
    target,
    {
      outcome: callAborted
        ? "aborted"
        : collector.deliveredParts > 0 && !InvalidOutputError.isInstance(providerError)
          ? "interrupted"
          : "error",
      errorKind: providerError ? providerError.kind : "aborted",
      ...(providerError ? { errorMessage: providerError.message } : {}),
      ...(abortMessage ? { errorMessage: abortMessage } : {}),
      ...(providerError?.status !== undefined ? { status: providerError.status } : {}),
      ...(providerError?.requestId ? { requestId: providerError.requestId } : {}),
      ms: Math.round(failed.elapsedMs),
      costUsd,
      possiblyBilled,
    },
    {
      ...(failed.ttftMs !== undefined ? { ttftMs: failed.ttftMs } : {}),
      outputTokens,
      attemptNumber: attempt.attemptNumber,
      ...(failed.watch ? { watch: failed.watch } : {}),
      ...(attempt.hedge ? { hedge: true } : {}),
      ...(possiblyBilled ? { usage } : {}),
    },
  );
  // A hedge lane that lost delivered nothing: its text is not part of the answer.
  if (lostHedge) return { type: "stop", error: signal.reason };
  if (!providerError) {
    state.continuation += collector.text;
    state.continuationReasoning += collector.reasoning;
    addUsage(state, usage);
    return { type: "stop", error: callAborted ? signal.reason : error };
  }
  state.errors.push(providerError);
  const rateLimited = providerError.kind === "rate_limit" && collector.deliveredParts === 0;
  if (rateLimited) await pauseTarget(attempt, providerError);
  // The stream ended whole but its answer is invalid: what the caller read cannot be taken back,
  // so the call ends with the typed error (it holds the raw text), never a continuation.
  if (collector.deliveredParts > 0 && InvalidOutputError.isInstance(providerError)) {
    providerError.trace = state.trace;
    return { type: "stop", error: providerError };
  }
  if (collector.deliveredParts > 0) {
    if (route.continueOnInterrupt && !collector.hasToolCalls) {
      state.continuation += collector.text;
      state.continuationReasoning += collector.reasoning;
      addUsage(state, usage);
      return { type: "next" };
    }
    return {
      type: "stop",
      error: new StreamInterruptedError({
        partialText: state.continuation + collector.text,
        usage: {
          inputTokens: state.continuationUsage.inputTokens + usage.inputTokens,
          outputTokens: state.continuationUsage.outputTokens + usage.outputTokens,
        },
        trace: state.trace,
        cause: providerError,
      }),
    };
  }
  const fallsBack = fallsBackOn(route, providerError);
  // Another target can answer now: the paused one is skipped at once, not slept on.
  if (rateLimited && fallsBack && attempt.canFailOver()) {
    state.notePaused({
      target: target.id,
      until: state.pausedUntil.get(target.id) ?? Date.now(),
      reason: "retry-after",
      action: "skipped",
    });
    return { type: "next" };
  }
  const retry = retryDecision(attempt, providerError);
  if (retry !== undefined) return retry;
  if (!fallsBack) {
    providerError.trace = state.trace;
    return { type: "stop", error: providerError };
  }
  return providerError.kind === "context_length" ? { type: "next", contextLength: true } : { type: "next" };
}

/**
 * A 429 pauses the target for every call: for the server's retry-after, or without one for the
 * backoff a retry would wait. The pause goes to the state store (every replica sharing it sees
 * it) and to the target's limiter, so calls planned before it came back queue instead of sending.
 */
async function pauseTarget(attempt: TargetAttempt, providerError: ProviderCallError): Promise<void> {
  const { context, state, candidate } = attempt;
  const pauseMs = providerError.retryAfterMs ?? backoffMs(attempt.attemptNumber, context.random);
  const until = Date.now() + pauseMs;
  state.pausedUntil.set(
    candidate.target.id,
    Math.max(until, state.pausedUntil.get(candidate.target.id) ?? 0),
  );
  if (providerError.retryAfterMs !== undefined) context.gate(candidate.target.id)?.penalize(pauseMs);
  await context.store.pauseTarget?.(candidate.target.id, until);
}

/**
 * A failure the route retries (`retryOn`, else the provider's `retryable`) is retried on the same
 * target while attempts, the server's hint (≤ 60 s), the deadline and the process-wide retry
 * budget allow; the budget's token is taken here, at the decision, so concurrent failures cannot
 * all pass the check before any of them pays. Undefined: not retried, `fallbackOn` decides.
 */
function retryDecision(
  attempt: TargetAttempt,
  providerError: ProviderCallError,
): AttemptDecision | undefined {
  const { context, state, route } = attempt;
  const retryAfter = providerError.retryAfterMs;
  if (!retriesOn(route, providerError) || (retryAfter !== undefined && retryAfter > maximumRetryAfterMs)) {
    return undefined;
  }
  if (attempt.attemptNumber >= attempt.candidate.target.maxAttempts) return undefined;
  // A 429 without a hint sleeps out the pause it set; anything else backs off.
  const pausedMs = (state.pausedUntil.get(attempt.candidate.target.id) ?? 0) - Date.now();
  const delayMs =
    retryAfter ??
    (providerError.kind === "rate_limit"
      ? Math.max(0, pausedMs)
      : backoffMs(attempt.attemptNumber, context.random));
  if (delayMs >= state.remainingMs) return undefined;
  if (!context.retryBudget.canRetry()) return undefined;
  context.retryBudget.onRetry();
  return { type: "retry", delayMs };
}

function addUsage(state: CallState, usage: Usage): void {
  state.continuationUsage = {
    inputTokens: state.continuationUsage.inputTokens + usage.inputTokens,
    outputTokens: state.continuationUsage.outputTokens + usage.outputTokens,
  };
}
