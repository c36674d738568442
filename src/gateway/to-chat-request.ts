import {
  type ChatRequest,
  InvalidRequestError,
  type JsonSchema,
  type Message,
  type ResponseFormat,
  type ToolChoice,
} from "../core/index.js";
import type { CallSettings } from "./call-settings.js";
import type { ChatCompletionBody } from "./chat-completion-body.js";

type BodyMessage = ChatCompletionBody["messages"][number];
type Content = string | { type: "text"; text: string }[] | null | undefined;

function text(content: Content): string {
  if (content === null || content === undefined) return "";
  return typeof content === "string" ? content : content.map((part) => part.text).join("");
}

function toMessage(message: BodyMessage): Message {
  switch (message.role) {
    case "system":
    case "developer":
      return { role: "system", content: text(message.content) };
    case "user":
      return { role: "user", content: text(message.content) };
    case "assistant":
      return {
        role: "assistant",
        content: text(message.content),
        ...(message.tool_calls?.length
          ? {
              toolCalls: message.tool_calls.map((call) => ({
                id: call.id,
                name: call.function.name,
                arguments: call.function.arguments,
              })),
            }
          : {}),
      };
    case "tool":
      return { role: "tool", toolCallId: message.tool_call_id, content: text(message.content) };
  }
}

function toToolChoice(choice: NonNullable<ChatCompletionBody["tool_choice"]>): ToolChoice {
  return typeof choice === "string" ? choice : { name: choice.function.name };
}

function toResponseFormat(format: NonNullable<ChatCompletionBody["response_format"]>): ResponseFormat {
  if (format.type !== "json_schema") return { type: format.type };
  const { name, schema, strict } = format.json_schema;
  // The router validates the schema (and names the field) before any provider sees it.
  return {
    type: "json_schema",
    name,
    schema: (schema ?? {}) as JsonSchema,
    ...(typeof strict === "boolean" ? { strict } : {}),
  };
}

/** An OpenAI chat completion body as a router request on the route its `model` names. */
export function toChatRequest(
  body: ChatCompletionBody,
  settings: CallSettings,
  signal: AbortSignal,
): ChatRequest {
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  const stop = typeof body.stop === "string" ? [body.stop] : body.stop;
  const request: ChatRequest = {
    ...settings.fields,
    route: body.model,
    messages: body.messages.map(toMessage),
    signal,
  };
  if (maxTokens !== null && maxTokens !== undefined) request.maxTokens = maxTokens;
  if (body.temperature !== null && body.temperature !== undefined) request.temperature = body.temperature;
  if (body.top_p !== null && body.top_p !== undefined) request.topP = body.top_p;
  if (stop) request.stop = stop;
  if (body.seed !== null && body.seed !== undefined) request.seed = body.seed;
  if (body.tools?.length) {
    request.tools = body.tools.map(({ function: tool }) => ({
      name: tool.name,
      ...(tool.description !== undefined ? { description: tool.description } : {}),
      parameters: (tool.parameters ?? { type: "object", properties: {} }) as JsonSchema,
    }));
  }
  if (body.tool_choice !== undefined) request.toolChoice = toToolChoice(body.tool_choice);
  if (body.response_format !== undefined) request.responseFormat = toResponseFormat(body.response_format);
  if (!body.logprobs && body.top_logprobs !== null && body.top_logprobs !== undefined) {
    throw new InvalidRequestError("top_logprobs", "needs logprobs: true");
  }
  if (body.logprobs) request.logprobs = { topK: body.top_logprobs ?? 0 };
  return request;
}
