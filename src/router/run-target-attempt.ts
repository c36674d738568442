import type { ChatResult, JsonValue, ToolCallPart, Usage } from "../core/index.js";
import { LimiterWaitError } from "../limits/index.js";
import { AttemptFailure } from "./attempt-failure.js";
import { attemptStream } from "./attempt-stream.js";
import type { AttemptObserver } from "./call-observer.js";
import { buildCallOptions } from "./call-options.js";
import type { CallState } from "./call-state.js";
import { checkOutput } from "./check-output.js";
import { decideAfterFailure } from "./decide-after-failure.js";
import { fallsBackOn } from "./failure-conditions.js";
import { PartRedactor } from "./part-redactor.js";
import { ResponseCollector } from "./response-collector.js";
import { sleep } from "./sleep.js";
import type { TargetAttempt } from "./target-attempt.js";

/** @default 30000 */
const defaultFirstTokenTimeoutMs = 30_000;
/** @default 60000 */
const defaultIdleTimeoutMs = 60_000;

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
  let sent = false;
  let watch: AttemptObserver | undefined;
  let output: { jsonText?: string } = {};
  const heldCalls: ToolCallPart[] = [];
  const vacate = state.occupy(target.id);
  try {
    // No other target could take the call: it sits out the 429 pause (the deadline bounds it).
    const pausedMs = (state.pausedUntil.get(target.id) ?? 0) - Date.now();
    if (pausedMs > 0) await sleep(pausedMs, signal);
    // While another target can take the call now, a full limiter is skipped rather than waited on.
    release = gate
      ? await gate.acquire({ weight: reserved, signal, ...(attempt.canFailOver() ? { noWait: true } : {}) })
      : undefined;
    // Queue time is the limiter's to predict; the target's statistics measure the target alone.
    started = performance.now();
    sent = true;
    watch = state.observer.attempt({
      route,
      target,
      attemptNumber: attempt.attemptNumber,
      hedge: attempt.hedge ?? false,
      request: state.request,
    });
    if (target.group !== undefined) context.affinity.record(state.request, target.id);
    const sending = watch;
    const parts = attemptStream({
      model,
      options: buildCallOptions(state.request, target, state.continuation),
      callSignal: signal,
      streaming,
      // A target's own timeouts win over the route's; the call's signal still ends it at the deadline.
      firstTokenTimeoutMs:
        target.firstTokenTimeoutMs ?? route.firstTokenTimeoutMs ?? defaultFirstTokenTimeoutMs,
      idleTimeoutMs: target.idleTimeoutMs ?? route.idleTimeoutMs ?? defaultIdleTimeoutMs,
      redact: context.redact,
      onWarnings: (warnings) => state.warnings.push(...warnings),
      within: (work) => sending.run(work),
    });
    // Whatever the adapter did, no secret reaches the caller or the result through a part.
    const redactor = new PartRedactor(context.secrets);
    for await (const received of parts) {
      for (const part of redactor.accept(received)) {
        if (ttftMs === undefined) {
          ttftMs = performance.now() - started;
          sending.firstToken(ttftMs);
          attempt.onFirstPart?.();
        }
        collector.add(part);
        // A whole tool call reaches the caller only once the answer passed its checks below.
        if (streaming && part.type === "tool-call") heldCalls.push(part);
        else if (streaming && part.type !== "finish") {
          await sink(part);
          collector.deliveredParts++;
        }
      }
    }
    // An answer that does not satisfy the request fails the attempt, like a provider error.
    output = await checkOutput(state.request, {
      text: state.continuation + collector.text,
      toolCalls: collector.toolCalls,
      finishReason: collector.finishReason,
      provider: model.provider,
      model: model.model,
      target: target.id,
      requestId: collector.requestId,
    });
    for (const part of heldCalls) {
      await sink(part);
      collector.deliveredParts++;
    }
  } catch (error) {
    if (error instanceof LimiterWaitError) {
      state.notePaused({
        target: target.id,
        until: Date.now() + error.waitMs,
        reason: "rate-limit",
        action: "skipped",
      });
      throw new AttemptFailure({ type: "next" });
    }
    const elapsedMs = performance.now() - started;
    throw new AttemptFailure(
      await decideAfterFailure(attempt, error, { collector, elapsedMs, ttftMs, sent, watch }),
    );
  } finally {
    release?.();
    vacate();
  }
  const usage: Usage = collector.usage ?? {
    inputTokens: estimate.promptTokens,
    outputTokens: await context.countTokens(collector.text),
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
    {
      ...(ttftMs !== undefined ? { ttftMs } : {}),
      outputTokens: usage.outputTokens,
      attemptNumber: attempt.attemptNumber,
      ...(watch ? { watch } : {}),
      ...(attempt.hedge ? { hedge: true } : {}),
      usage,
      ...(collector.finishReason ? { finishReason: collector.finishReason } : {}),
      text: collector.text,
      ...(collector.reasoning ? { reasoning: collector.reasoning } : {}),
    },
  );
  context.retryBudget.onSuccess();
  if (refused && collector.deliveredParts === 0 && fallsBackOn(route, { kind: "content_filter" })) {
    throw new AttemptFailure({ type: "next" });
  }
  const result = buildResult(state, target.id, target.provider, target.model, collector, usage);
  if (output.jsonText !== undefined) defineObject(result, output.jsonText);
  return result;
}

/**
 * `result.object`, parsed from the validated text on first read: validation parsed it in the
 * compiler thread already, and a large answer is not parsed on the event loop unless it is read.
 */
function defineObject(result: ChatResult, text: string): void {
  let parsed: { value: JsonValue } | undefined;
  Object.defineProperty(result, "object", {
    enumerable: true,
    configurable: true,
    get: () => {
      parsed ??= { value: JSON.parse(text) as JsonValue };
      return parsed.value;
    },
  });
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
  const reasoning = state.continuationReasoning + collector.reasoning;
  const toolCalls = collector.toolCalls;
  state.trace.target = targetId;
  state.trace.provider = provider;
  state.trace.model = model;
  return {
    text,
    ...(reasoning ? { reasoning } : {}),
    message: { role: "assistant", content: text, ...(toolCalls.length ? { toolCalls } : {}) },
    finishReason: collector.finishReason ?? "other",
    usage: {
      inputTokens: usage.inputTokens + state.continuationUsage.inputTokens,
      outputTokens: usage.outputTokens + state.continuationUsage.outputTokens,
      ...(usage.cachedInputTokens !== undefined ? { cachedInputTokens: usage.cachedInputTokens } : {}),
      ...(usage.reasoningTokens !== undefined ? { reasoningTokens: usage.reasoningTokens } : {}),
    },
    costUsd: state.spentUsd,
    ...(collector.logprobs.length ? { logprobs: collector.logprobs } : {}),
    route: state.trace,
    warnings: state.warnings,
  };
}
