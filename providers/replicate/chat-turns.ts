import { type Message, textOnly } from "../../src/core/index.js";

export interface ChatTurn {
  role: "user" | "assistant";
  content: string;
}

export interface ChatTranscript {
  /** Every system message, in order, joined by a blank line; empty when there is none. */
  system: string;
  /** Alternating turns: consecutive turns of one role are merged, as instruct templates expect. */
  turns: ChatTurn[];
}

/**
 * The conversation reduced to what a text prompt can carry. Hosted open models here take no
 * tools, so earlier tool calls and results (from another target of the route) are kept as text
 * rather than lost. An image is refused, never dropped (these prompt templates carry text only).
 */
export function toChatTranscript(messages: readonly Message[]): ChatTranscript {
  const system: string[] = [];
  const turns: ChatTurn[] = [];
  const append = (role: ChatTurn["role"], content: string) => {
    if (content.length === 0) return;
    const last = turns.at(-1);
    if (last?.role === role) last.content = `${last.content}\n\n${content}`;
    else turns.push({ role, content });
  };
  for (const [index, message] of messages.entries()) {
    switch (message.role) {
      case "system":
        if (message.content.length > 0) system.push(message.content);
        break;
      case "user":
        append("user", textOnly(message, index, "replicate"));
        break;
      case "assistant": {
        const calls = (message.toolCalls ?? []).map((call) => `[called ${call.name} with ${call.arguments}]`);
        append("assistant", [message.content, ...calls].filter((part) => part.length > 0).join("\n"));
        break;
      }
      case "tool":
        append("user", `[result of tool call ${message.toolCallId}]\n${message.content}`);
        break;
    }
  }
  return { system: system.join("\n\n"), turns };
}
