import type {
  ContentBlockParam,
  MessageParam,
  ToolResultBlockParam,
  ToolUseBlockParam,
} from "@anthropic-ai/sdk/resources/messages";
import { InvalidRequestError, type Message, type UserContentPart } from "../../src/core/index.js";

export interface AnthropicPrompt {
  /** Every system message, in order, joined by a blank line; undefined when there is none. */
  system: string | undefined;
  messages: MessageParam[];
}

type TurnRole = "user" | "assistant";

/**
 * Maps the normalized conversation onto the Messages API: system messages (wherever they sit)
 * go to the top-level `system`; assistant tool calls become `tool_use` blocks; tool messages
 * become `tool_result` blocks of a user turn. Consecutive turns of one role are merged, with
 * `tool_result` blocks first, because the API requires them to lead the turn that follows
 * `tool_use`.
 */
export function toAnthropicMessages(messages: readonly Message[]): AnthropicPrompt {
  const system: string[] = [];
  const turns: Array<{ role: TurnRole; content: ContentBlockParam[] }> = [];

  const append = (role: TurnRole, blocks: ContentBlockParam[]) => {
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };

  messages.forEach((message, index) => {
    switch (message.role) {
      case "system":
        if (message.content.length > 0) system.push(message.content);
        return;
      case "user":
        append(
          "user",
          typeof message.content === "string"
            ? textBlocks(message.content)
            : message.content.flatMap(userBlocks),
        );
        return;
      case "assistant":
        append("assistant", [
          ...textBlocks(message.content),
          ...(message.toolCalls ?? []).map((call, callIndex) =>
            toolUseBlock(call, `messages[${index}].toolCalls[${callIndex}].arguments`),
          ),
        ]);
        return;
      case "tool": {
        const result: ToolResultBlockParam = {
          type: "tool_result",
          tool_use_id: message.toolCallId,
          content: message.content,
        };
        append("user", [result]);
        return;
      }
    }
  });

  return {
    system: system.length > 0 ? system.join("\n\n") : undefined,
    messages: turns.map((turn) => ({ role: turn.role, content: toolResultsFirst(turn.content) })),
  };
}

/** The API rejects empty text blocks, so empty content contributes none. */
function textBlocks(text: string): ContentBlockParam[] {
  return text.length > 0 ? [{ type: "text", text }] : [];
}

/**
 * A user message's part → a Messages API block: an image as `source: { type: "url" }` or
 * `{ type: "base64", media_type, data }`; `detail` has no Anthropic counterpart.
 */
function userBlocks(part: UserContentPart): ContentBlockParam[] {
  if (part.type === "text") return textBlocks(part.text);
  const { image } = part;
  return [
    {
      type: "image",
      source:
        typeof image === "string"
          ? { type: "url", url: image }
          : { type: "base64", media_type: image.mediaType, data: image.data },
    },
  ];
}

function toolUseBlock(
  call: { id: string; name: string; arguments: string },
  field: string,
): ToolUseBlockParam {
  let input: unknown;
  try {
    input = call.arguments.trim() === "" ? {} : JSON.parse(call.arguments);
  } catch {
    throw new InvalidRequestError(field, `tool call "${call.name}" has arguments that are not valid JSON`);
  }
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new InvalidRequestError(field, `tool call "${call.name}" arguments must be a JSON object`);
  }
  return { type: "tool_use", id: call.id, name: call.name, input };
}

function toolResultsFirst(blocks: ContentBlockParam[]): ContentBlockParam[] {
  const results = blocks.filter((block) => block.type === "tool_result");
  if (results.length === 0 || results.length === blocks.length) return blocks;
  return [...results, ...blocks.filter((block) => block.type !== "tool_result")];
}
