import type {
  ChatCompletionContentPart,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import type { Message, UserContentPart } from "../../src/core/index.js";

/** Normalized messages → chat-completions messages. */
export function mapMessages(messages: readonly Message[]): ChatCompletionMessageParam[] {
  return messages.map(mapMessage);
}

function mapMessage(message: Message): ChatCompletionMessageParam {
  if (message.role === "system") return { role: "system", content: message.content };
  if (message.role === "user") {
    const { content } = message;
    return { role: "user", content: typeof content === "string" ? content : content.map(mapPart) };
  }
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

/**
 * A user message's part → a chat-completions content part. Inline images travel as `data:` URLs,
 * the one form OpenAI and the OpenAI-compatible servers (vLLM, llama.cpp, Ollama) all read.
 */
function mapPart(part: UserContentPart): ChatCompletionContentPart {
  if (part.type === "text") return { type: "text", text: part.text };
  const url =
    typeof part.image === "string" ? part.image : `data:${part.image.mediaType};base64,${part.image.data}`;
  return { type: "image_url", image_url: part.detail ? { url, detail: part.detail } : { url } };
}
