import type { ChatRequest, RouteTrace, Usage } from "../core/index.js";
import type { TelemetrySink } from "../router/call-observer.js";
import { traceOf } from "../router/event-sink.js";
import { type CallLogLine, callLogVersion } from "./call-log-line.js";
import type { CallLogWriter } from "./call-log-writer.js";
import type { Redaction } from "./router-logger.js";

type LoggedAttempt = CallLogLine["attempts"][number];

export interface CallLogSinkOptions {
  content?: boolean;
  metadata?: boolean;
}

/**
 * The call log as a telemetry sink: one line per call, built when the call ends (validation
 * failures and aborts included), redacted, and handed to the writer without waiting for it.
 */
export function callLogSink(
  writer: CallLogWriter,
  redaction: Redaction,
  options: CallLogSinkOptions = {},
): TelemetrySink {
  return {
    begin({ callId, streaming, startedAt }) {
      let request: ChatRequest | undefined;
      let route: string | undefined;
      let rule: number | undefined;
      const attempts: LoggedAttempt[] = [];
      return {
        started(start) {
          request = start.request;
          route = start.route.name;
          rule = start.selection?.rule;
        },
        attempt(start) {
          let ttftMs: number | undefined;
          return {
            firstToken(ms) {
              ttftMs = ms;
            },
            ended({ record, usage, finishReason }) {
              attempts.push({
                target: record.target,
                provider: record.provider,
                model: record.model,
                attempt: start.attemptNumber,
                ...(start.hedge ? { hedge: true } : {}),
                outcome: record.outcome,
                ...(record.errorKind ? { errorKind: record.errorKind } : {}),
                ...(record.errorMessage ? { errorMessage: record.errorMessage } : {}),
                ...(record.status !== undefined ? { status: record.status } : {}),
                ms: record.ms,
                ...(ttftMs !== undefined ? { ttftMs: Math.round(ttftMs) } : {}),
                costUsd: record.costUsd,
                possiblyBilled: record.possiblyBilled,
                ...(usage ? { usage: tokensOf(usage) } : {}),
                ...(finishReason ? { finishReason } : {}),
              });
            },
            run: (work) => work(),
          };
        },
        event() {},
        ended(end) {
          const trace: RouteTrace | undefined =
            end.outcome === "success" ? end.result.route : traceOf(end.error);
          const endedAt = startedAt + end.durationMs;
          const line: CallLogLine = {
            v: callLogVersion,
            callId,
            startedAt: new Date(startedAt).toISOString(),
            endedAt: new Date(endedAt).toISOString(),
            durationMs: Math.round(end.durationMs),
            streaming,
            ...((route ?? trace?.route) ? { route: route ?? trace?.route } : {}),
            ...(rule !== undefined ? { rule } : {}),
            ...(request?.tags?.length ? { tags: [...request.tags] } : {}),
            ...(options.metadata && request?.metadata ? { metadata: { ...request.metadata } } : {}),
            ...(request ? { request: needsOf(request) } : {}),
            ranked: [...(trace?.ranked ?? [])],
            rejected: (trace?.rejected ?? []).map(({ target, policy, reason }) => ({
              target,
              policy,
              reason,
            })),
            ...(trace?.paused?.length ? { paused: trace.paused.map((entry) => ({ ...entry })) } : {}),
            ...(trace?.fallbacks?.length
              ? { fallbacks: trace.fallbacks.map((entry) => ({ ...entry })) }
              : {}),
            attempts,
            outcome: end.outcome,
            ...(trace?.target ? { target: trace.target } : {}),
            ...(trace?.provider ? { provider: trace.provider } : {}),
            ...(trace?.model ? { model: trace.model } : {}),
            ...(end.outcome === "success"
              ? {
                  usage: tokensOf(end.result.usage),
                  costUsd: end.result.costUsd,
                  finishReason: end.result.finishReason,
                }
              : {
                  costUsd: attempts.reduce((sum, attempt) => sum + attempt.costUsd, 0),
                  error: {
                    type: end.error instanceof Error ? end.error.name : typeof end.error,
                    message: end.error instanceof Error ? end.error.message : String(end.error),
                  },
                }),
            ...(options.content && request
              ? {
                  content: {
                    messages: request.messages.map((message) => ({ ...message })),
                    ...(end.outcome === "success" ? { text: end.result.text } : {}),
                    ...(end.outcome === "success" && end.result.reasoning
                      ? { reasoning: end.result.reasoning }
                      : {}),
                  },
                }
              : {}),
          };
          writer.write(JSON.stringify(redaction.redactValue(line)));
        },
      };
    },
  };
}

function tokensOf(usage: Usage): NonNullable<CallLogLine["usage"]> {
  return {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    ...(usage.cachedInputTokens !== undefined ? { cachedInputTokens: usage.cachedInputTokens } : {}),
  };
}

/** What the request needs and bounds, without its content. */
function needsOf(request: ChatRequest): NonNullable<CallLogLine["request"]> {
  const { slo, budget, targets } = request;
  return {
    messages: request.messages.length,
    ...(request.maxTokens !== undefined ? { maxTokens: request.maxTokens } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    tools: request.tools?.length ?? 0,
    ...(request.toolChoice !== undefined
      ? { toolChoice: typeof request.toolChoice === "string" ? request.toolChoice : "tool" }
      : {}),
    ...(request.responseFormat ? { responseFormat: request.responseFormat.type } : {}),
    ...(request.logprobs ? { logprobs: { topK: request.logprobs.topK } } : {}),
    ...(request.privacy ? { privacy: request.privacy } : {}),
    ...(slo ? { slo: { ...slo } } : {}),
    ...(budget?.maxCostUsd !== undefined ? { maxCostUsd: budget.maxCostUsd } : {}),
    ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}),
    ...(targets
      ? {
          targets: {
            ...(targets.only ? { only: [...targets.only] } : {}),
            ...(targets.order ? { order: [...targets.order] } : {}),
            ...(targets.ignore ? { ignore: [...targets.ignore] } : {}),
            ...(targets.allowFallbacks !== undefined ? { allowFallbacks: targets.allowFallbacks } : {}),
          },
        }
      : {}),
  };
}
