import { type ChatRequest, type RouteTrace, SwitchyardError } from "../core/index.js";
import type { TelemetrySink } from "./call-observer.js";
import type { RouterEvent } from "./routing-context.js";

/**
 * The `onEvent` hook as a telemetry sink: `call-start`, one `attempt` per recorded attempt,
 * `retry` / `hedge` / `fallback` / `paused` as they happen, and `call-end` — every one with the
 * call's id. Tags and metadata travel with `call-start` and `call-end` (the hook is the
 * application's own code, so nothing is held back).
 */
export function eventSink(emit: (event: RouterEvent) => void): TelemetrySink {
  return {
    begin({ callId, streaming }) {
      let request: ChatRequest | undefined;
      let route: string | undefined;
      let ttftMs: number | undefined;
      const began = performance.now();
      const labels = () => ({
        ...(request?.tags?.length ? { tags: [...request.tags] } : {}),
        ...(request?.metadata ? { metadata: { ...request.metadata } } : {}),
      });
      return {
        started(start) {
          request = start.request;
          route = start.route.name;
          emit({
            type: "call-start",
            callId,
            route: start.route.name,
            streaming,
            ...(start.selection?.rule !== undefined ? { rule: start.selection.rule } : {}),
            ...(start.request.maxTokens !== undefined ? { maxTokens: start.request.maxTokens } : {}),
            ...labels(),
          });
        },
        attempt(start) {
          let firstMs: number | undefined;
          let sinceCallMs: number | undefined;
          return {
            firstToken(ms) {
              firstMs = ms;
              sinceCallMs = performance.now() - began;
            },
            ended({ record, usage, finishReason }) {
              if (record.outcome === "success" && sinceCallMs !== undefined) ttftMs ??= sinceCallMs;
              emit({
                type: "attempt",
                callId,
                route: start.route.name,
                target: record.target,
                provider: record.provider,
                model: record.model,
                attempt: start.attemptNumber,
                ...(start.hedge ? { hedge: true } : {}),
                outcome: record.outcome,
                ...(record.errorKind ? { errorKind: record.errorKind } : {}),
                ...(record.status !== undefined ? { status: record.status } : {}),
                ms: record.ms,
                ...(firstMs !== undefined ? { ttftMs: Math.round(firstMs) } : {}),
                costUsd: record.costUsd,
                possiblyBilled: record.possiblyBilled,
                ...(usage ? { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens } : {}),
                ...(finishReason ? { finishReason } : {}),
                ...(record.requestId ? { requestId: record.requestId } : {}),
              });
            },
            run: (work) => work(),
          };
        },
        event(event) {
          emit({ ...event, callId });
        },
        ended(end) {
          const trace: RouteTrace | undefined =
            end.outcome === "success" ? end.result.route : traceOf(end.error);
          const base = {
            type: "call-end" as const,
            callId,
            outcome: end.outcome,
            ...((trace?.route ?? route) ? { route: trace?.route ?? route } : {}),
            ...(trace?.target ? { target: trace.target } : {}),
            ...(trace?.provider ? { provider: trace.provider } : {}),
            ...(trace?.model ? { model: trace.model } : {}),
            streaming,
            latencyMs: Math.round(end.durationMs),
            ...(ttftMs !== undefined ? { ttftMs: Math.round(ttftMs) } : {}),
            attempts: trace?.attempts.length ?? 0,
            ...(trace?.cache ? { cache: trace.cache } : {}),
            ...labels(),
          };
          if (end.outcome === "success") {
            const { usage, costUsd, finishReason } = end.result;
            emit({
              ...base,
              usage: {
                inputTokens: usage.inputTokens,
                outputTokens: usage.outputTokens,
                ...(usage.cachedInputTokens !== undefined
                  ? { cachedInputTokens: usage.cachedInputTokens }
                  : {}),
              },
              costUsd,
              finishReason,
            });
            return;
          }
          emit({
            ...base,
            costUsd: trace ? trace.attempts.reduce((sum, attempt) => sum + attempt.costUsd, 0) : 0,
            errorType: end.error instanceof Error ? end.error.name : typeof end.error,
            errorMessage: end.error instanceof Error ? end.error.message : String(end.error),
          });
        },
      };
    },
  };
}

/** The route trace an error carries, when it carries one. */
export function traceOf(error: unknown): RouteTrace | undefined {
  if (!SwitchyardError.isInstance(error)) return undefined;
  const trace = (error as { trace?: unknown }).trace;
  if (typeof trace !== "object" || trace === null || !Array.isArray((trace as RouteTrace).attempts)) {
    return undefined;
  }
  return trace as RouteTrace;
}
