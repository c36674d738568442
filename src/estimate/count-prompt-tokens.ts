import type { Message, ResponseFormat, ToolDefinition } from "../core/index.js";
import { type CountOptions, TokenTally } from "./token-tally.js";
import type { TokenizerFamily } from "./tokenizer-family.js";

/** Tokens a provider adds around the texts of a prompt. */
interface Framing {
  /** Around each message's role and content (and each tool call). */
  perMessage: number;
  /** Once per prompt: the primed reply, a template's start token and default system text. */
  priming: number;
  /** Once when the request has tools: the instructions the provider wraps around them. */
  tools: number;
}

/**
 * OpenAI's chat framing: 3 tokens around each message, 3 priming the reply
 * (`<|start|>assistant<|message|>`), 12 for the namespace header around the tool list.
 */
const openaiFraming: Framing = { perMessage: 3, priming: 3, tools: 12 };

/**
 * Framing where the tokenizer and template are not known, chosen above every template in use:
 * per message Llama 3's header and end-of-turn (4 special tokens), ChatML's or Gemma's turn
 * markers (≤ 5) plus a SentencePiece dummy prefix; priming covers a BOS, the assistant header and
 * the default system text templates insert (Llama 3.1's dates, Qwen's "You are Qwen…": ~25
 * tokens); tools cover Anthropic's tool-use system prompt (313–530 tokens by model and
 * `tool_choice`) and the instructions Hermes/Qwen or Llama 3.1 templates wrap around tools.
 */
const utf8BoundFraming: Framing = { perMessage: 8, priming: 64, tools: 600 };

async function countMessage(tally: TokenTally, message: Message, framing: Framing): Promise<void> {
  tally.add(framing.perMessage);
  await tally.text(message.role);
  // Image parts are counted apart, by each provider's rule (see `imageTokens`); their data is not text.
  if (typeof message.content === "string") await tally.text(message.content);
  else for (const part of message.content) if (part.type === "text") await tally.text(part.text);
  if (message.role === "assistant") {
    for (const call of message.toolCalls ?? []) {
      tally.add(framing.perMessage);
      await tally.text(call.name);
      await tally.text(call.arguments);
    }
  }
  if (message.role === "tool") await tally.text(message.toolCallId);
}

export interface PromptCountOptions extends Omit<CountOptions, "encoding"> {
  /** How the target counts (see `TokenizerFamily`). @default "o200k" */
  family?: TokenizerFamily;
}

/**
 * Prompt tokens of a request in a tokenizer family: with the o200k_base encoding (GPT-4o and
 * later) by default, cl100k_base for older OpenAI models, or bounded by UTF-8 length for a
 * target whose tokenizer is unknown — an upper bound on what the target bills, so a cost
 * estimate from it is one too. The o200k count also drives context-window checks. Linear in the
 * request's size and sliced so the event loop stays free (see `TokenTally`): exact up to
 * `exactTokens`, an upper bound beyond; rejects with the signal's reason when it aborts.
 */
export async function countPromptTokens(
  messages: readonly Message[],
  tools?: readonly ToolDefinition[],
  responseFormat?: ResponseFormat,
  options: PromptCountOptions = {},
): Promise<number> {
  const { family = "o200k", ...countOptions } = options;
  const tally = await TokenTally.open({ ...countOptions, encoding: family });
  const framing = family === "utf8-bound" ? utf8BoundFraming : openaiFraming;
  tally.add(framing.priming);
  for (const message of messages) await countMessage(tally, message, framing);
  if (tools && tools.length > 0) {
    tally.add(framing.tools);
    await tally.json(tools, "tools");
  }
  if (responseFormat?.type === "json_schema")
    await tally.json(responseFormat.schema, "responseFormat.schema");
  return tally.total;
}
