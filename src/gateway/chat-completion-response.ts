import { randomUUID } from "node:crypto";
import type { ChatResult } from "../core/index.js";
import { openaiFinish, openaiLogprobs } from "../router/sse-encoding.js";

export function openaiUsage(usage: ChatResult["usage"]): Record<string, unknown> {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    ...(usage.cachedInputTokens !== undefined
      ? { prompt_tokens_details: { cached_tokens: usage.cachedInputTokens } }
      : {}),
    ...(usage.reasoningTokens !== undefined
      ? { completion_tokens_details: { reasoning_tokens: usage.reasoningTokens } }
      : {}),
  };
}

/** A router result as OpenAI's `chat.completion` object; `model` is the route the caller named. */
export function chatCompletion(
  result: ChatResult,
  model: string,
  withLogprobs: boolean,
): Record<string, unknown> {
  const toolCalls = result.message.toolCalls ?? [];
  return {
    id: `chatcmpl-${randomUUID().replaceAll("-", "")}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: toolCalls.length > 0 && result.text === "" ? null : result.text,
          refusal: null,
          // As DeepSeek and vLLM answer it; OpenAI's own clients ignore the field.
          ...(result.reasoning ? { reasoning_content: result.reasoning } : {}),
          ...(toolCalls.length > 0
            ? {
                tool_calls: toolCalls.map((call) => ({
                  id: call.id,
                  type: "function",
                  function: { name: call.name, arguments: call.arguments },
                })),
              }
            : {}),
        },
        logprobs:
          withLogprobs && result.logprobs
            ? { content: openaiLogprobs(result.logprobs), refusal: null }
            : null,
        finish_reason: openaiFinish[result.finishReason],
      },
    ],
    usage: openaiUsage(result.usage),
  };
}

/** Who answered and what it cost: on every successful response. */
export function resultHeaders(
  result: ChatResult | { route: ChatResult["route"]; costUsd: number },
): Record<string, string> {
  return {
    "x-switchyard-call-id": result.route.callId,
    "x-switchyard-route": result.route.route,
    ...(result.route.target ? { "x-switchyard-target": result.route.target } : {}),
    ...(result.route.provider ? { "x-switchyard-provider": result.route.provider } : {}),
    ...(result.route.model ? { "x-switchyard-model": result.route.model } : {}),
    "x-switchyard-cost-usd": result.costUsd.toFixed(8),
  };
}
