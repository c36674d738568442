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
