import type { Message } from "@anthropic-ai/sdk/resources/messages";
import type { GenerateResult, ToolCall } from "../../src/core/index.js";
import type { AnthropicRequest } from "./build-anthropic-request.js";
import { mapAnthropicUsage } from "./map-anthropic-usage.js";
import { mapStopReason } from "./map-stop-reason.js";

/**
 * A complete Messages API response → GenerateResult. Text blocks are joined into the answer,
 * thinking blocks into its reasoning; redacted thinking (encrypted) and server-tool blocks are
 * skipped. With the forced JSON tool, that tool's input is the answer.
 */
export function mapAnthropicMessage(
  message: Message,
  request: AnthropicRequest,
  requestId: string | undefined,
): GenerateResult {
  let text = "";
  let reasoning = "";
  const toolCalls: ToolCall[] = [];
  let answeredThroughJsonTool = false;
  for (const block of message.content) {
    if (block.type === "text") {
      text += block.text;
    } else if (block.type === "thinking") {
      reasoning += block.thinking;
    } else if (block.type === "tool_use") {
      if (request.jsonToolName !== undefined && block.name === request.jsonToolName) {
        text += JSON.stringify(block.input);
        answeredThroughJsonTool = true;
      } else {
        toolCalls.push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input ?? {}) });
      }
    }
  }
  const finishReason =
    answeredThroughJsonTool && message.stop_reason === "tool_use"
      ? "stop"
      : mapStopReason(message.stop_reason);
  return {
    text,
    ...(reasoning ? { reasoning } : {}),
    toolCalls,
    finishReason,
    usage: mapAnthropicUsage(message.usage),
    ...(requestId ? { requestId } : {}),
    warnings: [...request.warnings],
  };
}
