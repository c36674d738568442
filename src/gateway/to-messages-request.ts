import type { ChatRequest, JsonSchema, Message, ToolChoice } from "../core/index.js";
import type { CallSettings } from "./call-settings.js";
import type { MessagesBody } from "./messages-body.js";

type BodyMessage = MessagesBody["messages"][number];

function joined(content: string | { text: string }[] | undefined): string {
  if (content === undefined) return "";
  return typeof content === "string" ? content : content.map((block) => block.text).join("");
}

/** One Anthropic message as router messages: a user turn's tool results become tool messages. */
function toMessages(message: BodyMessage): Message[] {
  if (typeof message.content === "string") return [{ role: message.role, content: message.content }];
  if (message.role === "assistant") {
    const text = message.content.flatMap((block) => (block.type === "text" ? [block.text] : [])).join("");
    const toolCalls = message.content.flatMap((block) =>
      block.type === "tool_use"
        ? [{ id: block.id, name: block.name, arguments: JSON.stringify(block.input ?? {}) }]
        : [],
    );
    return [{ role: "assistant", content: text, ...(toolCalls.length > 0 ? { toolCalls } : {}) }];
  }
  const messages: Message[] = [];
  let text = "";
  for (const block of message.content) {
    if (block.type === "text") text += block.text;
    else messages.push({ role: "tool", toolCallId: block.tool_use_id, content: joined(block.content) });
  }
  if (text) messages.push({ role: "user", content: text });
  return messages;
}

function toToolChoice(choice: NonNullable<MessagesBody["tool_choice"]>): ToolChoice {
  switch (choice.type) {
    case "auto":
      return "auto";
    case "any":
      return "required";
    case "none":
      return "none";
    case "tool":
      return { name: choice.name };
  }
}

/** An Anthropic Messages body as a router request on the route its `model` names. */
export function toMessagesRequest(
  body: MessagesBody,
  settings: CallSettings,
  signal: AbortSignal,
): ChatRequest {
  const system = joined(body.system);
  const request: ChatRequest = {
    ...settings.fields,
    route: body.model,
    messages: [
      ...(system ? [{ role: "system" as const, content: system }] : []),
      ...body.messages.flatMap(toMessages),
    ],
    maxTokens: body.max_tokens,
    signal,
  };
  if (body.temperature !== undefined) request.temperature = body.temperature;
  if (body.top_p !== undefined) request.topP = body.top_p;
  if (body.stop_sequences?.length) request.stop = body.stop_sequences;
  if (body.tools?.length) {
    request.tools = body.tools.map((tool) => ({
      name: tool.name,
      ...(tool.description !== undefined ? { description: tool.description } : {}),
      // The router validates the schema before any provider sees it.
      parameters: tool.input_schema as JsonSchema,
    }));
  }
  if (body.tool_choice) request.toolChoice = toToolChoice(body.tool_choice);
  return request;
}
