import type { Message, ResponseFormat, ToolDefinition } from "../core/index.js";
import { type CountOptions, TokenTally } from "./token-tally.js";

/** OpenAI's chat framing: each message costs 3 tokens around its role and content. */
const tokensPerMessage = 3;
/** The assistant reply is primed with 3 more (`<|start|>assistant<|message|>`). */
const replyPriming = 3;
/** Framing of the tool list (the namespace header the provider wraps around the definitions). */
const toolsOverhead = 12;

async function countMessage(tally: TokenTally, message: Message): Promise<void> {
  tally.add(tokensPerMessage);
  await tally.text(message.role);
  await tally.text(message.content);
  if (message.role === "assistant") {
    for (const call of message.toolCalls ?? []) {
      tally.add(tokensPerMessage);
      await tally.text(call.name);
      await tally.text(call.arguments);
    }
  }
  if (message.role === "tool") await tally.text(message.toolCallId);
}

/**
 * Prompt tokens of a request, counted with the o200k_base encoding (GPT-4o and later). Other
 * providers' tokenizers differ by some percent; the count drives context-window checks and cost
 * estimates, not billing, which uses the provider's reported usage. Linear in the request's size
 * and sliced so the event loop stays free (see `TokenTally`): exact up to `exactTokens`, an upper
 * bound beyond; rejects with the signal's reason when it aborts.
 */
export async function countPromptTokens(
  messages: readonly Message[],
  tools?: readonly ToolDefinition[],
  responseFormat?: ResponseFormat,
  options: CountOptions = {},
): Promise<number> {
  const tally = await TokenTally.open(options);
  tally.add(replyPriming);
  for (const message of messages) await countMessage(tally, message);
  if (tools && tools.length > 0) {
    tally.add(toolsOverhead);
    await tally.json(tools, "tools");
  }
  if (responseFormat?.type === "json_schema")
    await tally.json(responseFormat.schema, "responseFormat.schema");
  return tally.total;
}
