import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { Message } from "../../src/core/index.js";

/** Normalized messages → chat-completions messages. */
export function mapMessages(messages: readonly Message[]): ChatCompletionMessageParam[] {
  return messages.map(mapMessage);
}

function mapMessage(message: Message): ChatCompletionMessageParam {
  if (message.role === "system") return { role: "system", content: message.content };
  if (message.role === "user") return { role: "user", content: message.content };
  if (message.role === "tool") {
    return { role: "tool", tool_call_id: message.toolCallId, content: message.content };
  }
  const toolCalls = message.toolCalls ?? [];
  if (toolCalls.length === 0) return { role: "assistant", content: message.content };
  return {
    role: "assistant",
    // The API wants null, not "", beside tool calls that come without text.
    content: message.content === "" ? null : message.content,
    tool_calls: toolCalls.map((call) => ({
      id: call.id,
      type: "function",
      function: { name: call.name, arguments: call.arguments },
    })),
  };
}
