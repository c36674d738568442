import {
  type Candidate,
  type ChatResult,
  ProviderCallError,
  QueueFullError,
  type Route,
  StreamInterruptedError,
  SwitchyardError,
  type Usage,
} from "../core/index.js";
import { type AttemptDecision, AttemptFailure } from "./attempt-failure.js";
import { attemptStream } from "./attempt-stream.js";
import { backoffMs } from "./backoff.js";
import { buildCallOptions } from "./call-options.js";
import type { CallState } from "./call-state.js";
import type { PartSink } from "./execute-call.js";
import { ResponseCollector } from "./response-collector.js";
import type { RoutingContext } from "./routing-context.js";

/** Retry-after hints above this fail over instead of sleeping. @default 60000 */
const maximumRetryAfterMs = 60_000;
const defaultFirstTokenTimeoutMs = 30_000;
const defaultIdleTimeoutMs = 60_000;

export interface TargetAttempt {
  context: RoutingContext;
  state: CallState;
  route: Route;
  candidate: Candidate;
  streaming: boolean;
  sink: PartSink;
  signal: AbortSignal;
  attemptNumber: number;
}

/** One attempt on one target: admission, the call, its record, and the decision when it fails. */
export async function runTargetAttempt(attempt: TargetAttempt): Promise<ChatResult> {
  const { context, state, route, candidate, streaming, sink, signal } = attempt;
  const target = candidate.target;
  const model = context.models.get(target.id);
  if (!model) throw new AttemptFailure({ type: "next" });
  const estimate = context.estimate(state.request, target);
  const reserved = estimate.promptTokens + estimate.maxOutputTokens;
  let started = performance.now();
  const gate = context.gate(target.id);
  let release: (() => void) | undefined;
  const collector = new ResponseCollector();
  let ttftMs: number | undefined;
  try {
    release = gate ? await gate.acquire({ weight: reserved, signal }) : undefined;
    // Queue time is the limiter's to predict; the target's statistics measure the target alone.
    started = performance.now();
    for await (const part of attemptStream({
      model,
      options: buildCallOptions(state.request, target, state.continuation),
      callSignal: signal,
      streaming,
      firstTokenTimeoutMs: route.firstTokenTimeoutMs ?? defaultFirstTokenTimeoutMs,
      idleTimeoutMs: route.idleTimeoutMs ?? defaultIdleTimeoutMs,
      redact: context.redact,
      onWarnings: (warnings) => state.warnings.push(...warnings),
    })) {
      ttftMs ??= performance.now() - started;
      collector.add(part);
      if (streaming && part.type !== "finish") {
        collector.deliveredParts++;
        await sink(part);
      }
    }
  } catch (error) {
    throw new AttemptFailure(await decide(attempt, error, collector, performance.now() - started, ttftMs));
  } finally {
    release?.();
  }
  const usage: Usage = collector.usage ?? {
    inputTokens: estimate.promptTokens,
    outputTokens: context.countTokens(collector.text),
  };
  gate?.correct(reserved, usage.inputTokens + usage.outputTokens);
  const costUsd = context.actualCostUsd(target.price, usage);
  const refused = collector.finishReason === "content-filter";
  await state.record(
    route,
    target,
    {
      outcome: refused ? "error" : "success",
      ...(refused
        ? { errorKind: "content_filter" as const, errorMessage: `${target.id} refused (content filter)` }
        : {}),
      ms: Math.round(performance.now() - started),
      costUsd,
      possiblyBilled: true,
      ...(collector.requestId ? { requestId: collector.requestId } : {}),
    },
    { ...(ttftMs !== undefined ? { ttftMs } : {}), outputTokens: usage.outputTokens },
  );
  context.retryBudget.onSuccess();
  if (refused && route.fallbackOnContentFilter && collector.deliveredParts === 0) {
    throw new AttemptFailure({ type: "next" });
  }
  return buildResult(state, target.id, target.provider, target.model, collector, usage);
}

function buildResult(
  state: CallState,
  targetId: string,
  provider: string,
  model: string,
  collector: ResponseCollector,
  usage: Usage,
): ChatResult {
  const text = state.continuation + collector.text;
  const toolCalls = collector.toolCalls;
  state.trace.target = targetId;
  state.trace.provider = provider;
  state.trace.model = model;
  return {
    text,
    message: { role: "assistant", content: text, ...(toolCalls.length ? { toolCalls } : {}) },
    finishReason: collector.finishReason ?? "other",
    usage: {
      inputTokens: usage.inputTokens + state.continuationUsage.inputTokens,
      outputTokens: usage.outputTokens + state.continuationUsage.outputTokens,
      ...(usage.cachedInputTokens !== undefined ? { cachedInputTokens: usage.cachedInputTokens } : {}),
    },
    costUsd: state.spentUsd,
    ...(collector.logprobs.length ? { logprobs: collector.logprobs } : {}),
    route: state.trace,
    warnings: state.warnings,
  };
}

/** Records the failed attempt and decides: retry the same target, move on, or end the call. */
async function decide(
  attempt: TargetAttempt,
  error: unknown,
  collector: ResponseCollector,
  elapsedMs: number,
  ttftMs: number | undefined,
): Promise<AttemptDecision> {
  const { context, state, route, candidate, signal } = attempt;
  const target = candidate.target;
  const callAborted = signal.aborted;
  const providerError = ProviderCallError.isInstance(error) ? error : undefined;
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
    callAborted || (providerError?.possiblyBilled ?? false) || collector.deliveredParts > 0;
  const outputTokens = context.countTokens(collector.text);
  const estimate = context.estimate(state.request, target);
  const costUsd = possiblyBilled
    ? context.estimateCostUsd(target.price, estimate.promptTokens, outputTokens)
    : 0;
  const usage: Usage = { inputTokens: possiblyBilled ? estimate.promptTokens : 0, outputTokens };
  await state.record(
    route,
    target,
    {
      outcome: callAborted ? "aborted" : collector.deliveredParts > 0 ? "interrupted" : "error",
      ...(providerError ? { errorKind: providerError.kind } : { errorKind: "aborted" as const }),
      ...(providerError ? { errorMessage: providerError.message } : {}),
      ...(providerError?.status !== undefined ? { status: providerError.status } : {}),
      ...(providerError?.requestId ? { requestId: providerError.requestId } : {}),
      ms: Math.round(elapsedMs),
      costUsd,
      possiblyBilled,
    },
    { ...(ttftMs !== undefined ? { ttftMs } : {}), outputTokens },
  );
  if (callAborted || !providerError) {
    state.continuation += collector.text;
    addUsage(state, usage);
    return { type: "stop", error };
  }
  state.errors.push(providerError);
  if (providerError.kind === "rate_limit" && providerError.retryAfterMs !== undefined) {
    context.gate(target.id)?.penalize(providerError.retryAfterMs);
  }
  if (collector.deliveredParts > 0) {
    if (route.continueOnInterrupt && !collector.hasToolCalls) {
      state.continuation += collector.text;
      addUsage(state, usage);
      return { type: "next" };
    }
    return {
      type: "stop",
      error: new StreamInterruptedError({
        partialText: state.continuation + collector.text,
        usage,
        trace: state.trace,
        cause: providerError,
      }),
    };
  }
  if (providerError.kind === "context_length") return { type: "next", contextLength: true };
  if (providerError.kind === "content_filter") {
    if (route.fallbackOnContentFilter) return { type: "next" };
    providerError.trace = state.trace;
    return { type: "stop", error: providerError };
  }
  const retryAfter = providerError.retryAfterMs;
  if (!providerError.retryable || (retryAfter !== undefined && retryAfter > maximumRetryAfterMs)) {
    return { type: "next" };
  }
  if (attempt.attemptNumber >= target.maxAttempts || !context.retryBudget.canRetry()) return { type: "next" };
  const delayMs = retryAfter ?? backoffMs(attempt.attemptNumber, context.random);
  if (delayMs >= state.remainingMs) return { type: "next" };
  return { type: "retry", delayMs };
}

function addUsage(state: CallState, usage: Usage): void {
  state.continuationUsage = {
    inputTokens: state.continuationUsage.inputTokens + usage.inputTokens,
    outputTokens: state.continuationUsage.outputTokens + usage.outputTokens,
  };
}
