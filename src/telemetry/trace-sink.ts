import type { Attributes, Context, Tracer } from "@opentelemetry/api";
import type { ChatRequest, ChatResult } from "../core/index.js";
import { type CallEnd, type CallEvent, noCall, type TelemetrySink } from "../router/call-observer.js";
import { traceOf } from "../router/event-sink.js";
import {
  boundedTags,
  genAiFinishReason,
  genAiProviderName,
  instrumentationScope,
} from "./gen-ai-attributes.js";
import type { OpenTelemetryApi } from "./load-open-telemetry.js";
import type { SinkEnvironment } from "./sink-environment.js";
import type { TelemetryOptions } from "./telemetry-options.js";

/**
 * Spans in the GenAI semantic conventions: `chat <route>` for the routed call (a child of the
 * caller's active span), and a CLIENT span `chat <model>` per attempt under it, inside whose
 * context the provider call runs. When no tracer provider is registered, a call costs one lookup.
 */
export function traceSink(
  api: OpenTelemetryApi,
  options: TelemetryOptions,
  environment: SinkEnvironment,
): TelemetrySink {
  const { SpanKind, SpanStatusCode, trace, context } = api;
  const setting = typeof options.tracing === "object" ? options.tracing.tracer : undefined;
  const name = typeof setting === "string" ? setting : instrumentationScope;
  const given = typeof setting === "object" ? (setting as Tracer) : undefined;
  const metadataKeys = options.metadataKeys ?? [];
  const recordContent = options.recordContent === true;
  const redact = environment.redact;

  /** The tracer of the provider registered now, or none: a ProxyTracer would make no-op spans. */
  const currentTracer = (): Tracer | undefined => {
    if (given) return given;
    const provider = trace.getTracerProvider();
    return provider instanceof api.ProxyTracerProvider
      ? provider.getDelegateTracer(name)
      : provider.getTracer(name);
  };

  return {
    begin({ callId, streaming }) {
      const tracer = currentTracer();
      if (!tracer) return noCall;
      const parent = context.active();
      const span = tracer.startSpan(
        "chat",
        {
          attributes: {
            "gen_ai.operation.name": "chat",
            "gen_ai.request.stream": streaming,
            "switchyard.call_id": callId,
          },
        },
        parent,
      );
      if (!span.isRecording()) {
        span.end();
        return noCall;
      }
      const within = trace.setSpan(parent, span);
      const began = performance.now();
      /** ms from the call's start to the first part of the attempt that answered. */
      let answerFirstMs: number | undefined;
      return {
        started(start) {
          span.updateName(`chat ${start.route.name}`);
          span.setAttributes({
            "switchyard.route": start.route.name,
            ...(start.selection?.rule !== undefined ? { "switchyard.route.rule": start.selection.rule } : {}),
            ...requestAttributes(start.request, metadataKeys),
            ...(recordContent
              ? { "gen_ai.input.messages": redact(JSON.stringify(start.request.messages)) }
              : {}),
          });
        },
        attempt(start) {
          const providerName = genAiProviderName(
            environment.providerType(start.target.provider),
            start.target.provider,
          );
          const attempt = tracer.startSpan(
            `chat ${start.target.model}`,
            {
              kind: SpanKind.CLIENT,
              attributes: {
                "gen_ai.operation.name": "chat",
                "gen_ai.provider.name": providerName,
                "gen_ai.request.model": start.target.model,
                "gen_ai.request.stream": streaming,
                ...requestAttributes(start.request, []),
                "switchyard.route": start.route.name,
                "switchyard.target": start.target.id,
                "switchyard.provider": start.target.provider,
                "switchyard.attempt": start.attemptNumber,
                ...(start.hedge ? { "switchyard.hedge": true } : {}),
              },
            },
            within,
          );
          const attemptContext: Context = trace.setSpan(within, attempt);
          let firstSinceCallMs: number | undefined;
          return {
            firstToken(ms) {
              firstSinceCallMs = performance.now() - began;
              attempt.setAttribute("gen_ai.response.time_to_first_chunk", ms / 1000);
            },
            ended({ record, usage, finishReason, text, reasoning }) {
              if (record.outcome === "success" && firstSinceCallMs !== undefined) {
                answerFirstMs ??= firstSinceCallMs;
              }
              attempt.setAttributes({
                "gen_ai.response.model": record.model,
                "switchyard.outcome": record.outcome,
                "switchyard.cost_usd": record.costUsd,
                "switchyard.possibly_billed": record.possiblyBilled,
                ...(usage ? usageAttributes(usage) : {}),
                ...(finishReason
                  ? { "gen_ai.response.finish_reasons": [genAiFinishReason(finishReason)] }
                  : {}),
                ...(record.status !== undefined ? { "http.response.status_code": record.status } : {}),
                ...(record.requestId ? { "switchyard.request_id": record.requestId } : {}),
                ...(record.errorKind ? { "error.type": record.errorKind } : {}),
                ...(recordContent && text !== undefined
                  ? {
                      "gen_ai.output.messages": redact(
                        JSON.stringify([
                          { role: "assistant", content: text, ...(reasoning ? { reasoning } : {}) },
                        ]),
                      ),
                    }
                  : {}),
              });
              // A hedge's loser or an attempt the caller aborted was stopped, not failed.
              if (record.outcome === "error" || record.outcome === "interrupted") {
                attempt.setStatus({
                  code: SpanStatusCode.ERROR,
                  ...(record.errorMessage ? { message: record.errorMessage } : {}),
                });
              }
              attempt.end();
            },
            run: (work) => context.with(attemptContext, work),
          };
        },
        event(event) {
          span.addEvent(`switchyard.${event.type}`, eventAttributes(event));
        },
        ended(end) {
          span.setAttributes(endAttributes(end, environment, answerFirstMs));
          if (end.outcome === "error") {
            span.setStatus({ code: SpanStatusCode.ERROR, message: redact(errorMessage(end.error)) });
          }
          span.end();
        },
      };
    },
  };
}

function requestAttributes(request: ChatRequest, metadataKeys: readonly string[]): Attributes {
  const attributes: Attributes = {};
  if (request.maxTokens !== undefined) attributes["gen_ai.request.max_tokens"] = request.maxTokens;
  if (request.temperature !== undefined) attributes["gen_ai.request.temperature"] = request.temperature;
  if (request.topP !== undefined) attributes["gen_ai.request.top_p"] = request.topP;
  if (request.seed !== undefined) attributes["gen_ai.request.seed"] = request.seed;
  const tags = boundedTags(request.tags);
  if (tags) attributes["switchyard.tags"] = tags;
  for (const key of metadataKeys) {
    const value = request.metadata?.[key];
    if (value !== undefined) attributes[`switchyard.metadata.${key}`] = value;
  }
  return attributes;
}

function usageAttributes(usage: ChatResult["usage"]): Attributes {
  return {
    "gen_ai.usage.input_tokens": usage.inputTokens,
    "gen_ai.usage.output_tokens": usage.outputTokens,
    ...(usage.cachedInputTokens !== undefined
      ? { "gen_ai.usage.cache_read.input_tokens": usage.cachedInputTokens }
      : {}),
  };
}

function eventAttributes(event: CallEvent): Attributes {
  switch (event.type) {
    case "retry":
      return {
        "switchyard.target": event.target,
        "switchyard.attempt": event.attempt,
        "switchyard.delay_ms": event.delayMs,
      };
    case "hedge":
      return {
        "switchyard.target": event.target,
        "switchyard.hedge.target": event.hedge,
        "switchyard.delay_ms": event.delayMs,
      };
    case "fallback":
      return {
        "switchyard.fallback.from": event.from,
        "switchyard.fallback.to": event.to,
        "switchyard.fallback.reason": event.reason,
      };
    case "paused":
      return {
        "switchyard.target": event.target,
        "switchyard.paused.until": new Date(event.until).toISOString(),
        "switchyard.paused.reason": event.reason,
        "switchyard.paused.action": event.action,
      };
  }
}

/** What the call's span learns at its end: the answering target, usage, cost, rejections. */
function endAttributes(
  end: CallEnd,
  environment: SinkEnvironment,
  answerFirstMs: number | undefined,
): Attributes {
  const trace = end.outcome === "success" ? end.result.route : traceOf(end.error);
  const attributes: Attributes = { "switchyard.outcome": end.outcome };
  if (trace) {
    attributes["switchyard.route"] = trace.route;
    attributes["switchyard.attempts"] = trace.attempts.length;
    if (trace.target && trace.provider && trace.model) {
      attributes["switchyard.target"] = trace.target;
      attributes["gen_ai.provider.name"] = genAiProviderName(
        environment.providerType(trace.provider),
        trace.provider,
      );
      attributes["gen_ai.request.model"] = trace.model;
      attributes["gen_ai.response.model"] = trace.model;
    }
    if (trace.rejected.length > 0) {
      attributes["switchyard.rejected.targets"] = trace.rejected.map((entry) => entry.target);
      attributes["switchyard.rejected.reasons"] = trace.rejected.map(
        (entry) => `${entry.target} (${entry.policy}): ${entry.reason}`,
      );
    }
    if (trace.fallbacks?.length) {
      attributes["switchyard.fallbacks"] = trace.fallbacks.map((entry) => `${entry.from}→${entry.to}`);
    } // "hit" (served from the route's response cache, no attempt), "miss" or "bypass".
    if (trace.cache) attributes["switchyard.cache"] = trace.cache;
  }
  if (answerFirstMs !== undefined) attributes["gen_ai.response.time_to_first_chunk"] = answerFirstMs / 1000;
  if (end.outcome === "success") {
    const { result } = end;
    Object.assign(attributes, usageAttributes(result.usage), {
      "gen_ai.response.finish_reasons": [genAiFinishReason(result.finishReason)],
      "switchyard.cost_usd": result.costUsd,
    });
    return attributes;
  }
  attributes["error.type"] = errorType(end.error);
  if (trace) {
    attributes["switchyard.cost_usd"] = trace.attempts.reduce((sum, attempt) => sum + attempt.costUsd, 0);
  }
  return attributes;
}

/** `error.type`: the error's class (`AllTargetsFailedError`, `AbortedError`, …), low in cardinality. */
export function errorType(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
