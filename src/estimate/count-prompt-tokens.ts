import type { Message, ResponseFormat, ToolDefinition } from "../core/index.js";
import { countTextTokens } from "./count-text-tokens.js";

/** OpenAI's chat framing: each message costs 3 tokens around its role and content. */
const tokensPerMessage = 3;
/** The assistant reply is primed with 3 more (`<|start|>assistant<|message|>`). */
const replyPriming = 3;
/** Framing of the tool list (the namespace header the provider wraps around the definitions). */
const toolsOverhead = 12;

function messageTokens(message: Message): number {
  let tokens = tokensPerMessage + countTextTokens(message.role) + countTextTokens(message.content);
  if (message.role === "assistant") {
    for (const call of message.toolCalls ?? [])
      tokens += tokensPerMessage + countTextTokens(call.name) + countTextTokens(call.arguments);
  }
  if (message.role === "tool") tokens += countTextTokens(message.toolCallId);
  return tokens;
}

/**
 * Prompt tokens of a request, counted with the o200k_base encoding (GPT-4o and later). Other
 * providers' tokenizers differ by some percent; the count drives context-window checks and cost
 * estimates, not billing, which uses the provider's reported usage.
 */
export function countPromptTokens(
  messages: readonly Message[],
  tools?: readonly ToolDefinition[],
  responseFormat?: ResponseFormat,
): number {
  let tokens = replyPriming;
  for (const message of messages) tokens += messageTokens(message);
  if (tools && tools.length > 0) tokens += toolsOverhead + countTextTokens(JSON.stringify(tools));
  if (responseFormat?.type === "json_schema")
    tokens += countTextTokens(JSON.stringify(responseFormat.schema));
  return tokens;
}
