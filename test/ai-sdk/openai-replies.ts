import { HttpResponse } from "msw";
import {
  chunk,
  completion,
  finishChunk,
  roleChunk,
  textChunk,
  usageChunk,
  wireIds,
  wireUsage,
} from "../../providers/openai/fixtures/openai-wire.js";
import type { Reply } from "../faults/support/replies.js";
import { sseData, sseDone } from "../support/sse-frames.js";
import { sseResponse } from "../support/sse-response.js";

/** A tool call as gpt-4o-mini sends it: JSON for `chat`, argument fragments for `stream`. */
export function toolCallReply(name: string, argumentsText: string): Reply {
  const usage = { inputTokens: 58, outputTokens: 17 };
  return (call) => {
    if (!call.stream) {
      return HttpResponse.json(
        completion(
          {
            message: {
              content: null,
              tool_calls: [
                { id: wireIds.toolCall, type: "function", function: { name, arguments: argumentsText } },
              ],
            },
            finish_reason: "tool_calls",
          },
          wireUsage(usage),
        ),
      );
    }
    const middle = Math.ceil(argumentsText.length / 2);
    return sseResponse([
      sseData(roleChunk),
      sseData(
        chunk({
          delta: {
            tool_calls: [
              { index: 0, id: wireIds.toolCall, type: "function", function: { name, arguments: "" } },
            ],
          },
        }),
      ),
      sseData(
        chunk({
          delta: { tool_calls: [{ index: 0, function: { arguments: argumentsText.slice(0, middle) } }] },
        }),
      ),
      sseData(
        chunk({
          delta: { tool_calls: [{ index: 0, function: { arguments: argumentsText.slice(middle) } }] },
        }),
      ),
      sseData(finishChunk("tool_calls")),
      sseData(usageChunk(usage)),
      sseDone,
    ]);
  };
}

/** A complete answer whose text comes in the given deltas. */
export function textReply(deltas: readonly string[], usage = { inputTokens: 21, outputTokens: 11 }): Reply {
  return (call) =>
    call.stream
      ? sseResponse([
          sseData(roleChunk),
          ...deltas.map((delta) => sseData(textChunk(delta))),
          sseData(finishChunk("stop")),
          sseData(usageChunk(usage)),
          sseDone,
        ])
      : HttpResponse.json(
          completion({ message: { content: deltas.join("") }, finish_reason: "stop" }, wireUsage(usage)),
        );
}

/**
 * A reasoning model's answer as DeepSeek and vLLM send it: `reasoning_content` deltas before the
 * text (a message field for `chat`), and the reasoning tokens in the usage details.
 */
export function reasoningReply(reasoning: readonly string[], text: string): Reply {
  const usage = { inputTokens: 13, outputTokens: 40 };
  const details = (wire: Record<string, unknown>) => ({
    ...wire,
    completion_tokens_details: { reasoning_tokens: 32 },
  });
  return (call) =>
    call.stream
      ? sseResponse([
          sseData(chunk({ delta: { role: "assistant", content: null, reasoning_content: "" } })),
          ...reasoning.map((delta) => sseData(chunk({ delta: { content: null, reasoning_content: delta } }))),
          sseData(chunk({ delta: { content: text, reasoning_content: null } })),
          sseData(finishChunk("stop")),
          sseData(chunk(undefined, details(wireUsage(usage)))),
          sseDone,
        ])
      : HttpResponse.json(
          completion(
            { message: { content: text, reasoning_content: reasoning.join("") }, finish_reason: "stop" },
            details(wireUsage(usage)),
          ),
        );
}
