import type { ChatTemplateMessage, EngineTool, LocalEngine } from "../../local-engine/index.js";
import { type Message, textOnly } from "../../src/core/index.js";

// Private-use code points: a chat template's own markup never contains them.
const open = "\u{F0000}";
const close = "\u{F0001}";
const marker = /\u{F0000}(\d+)\u{F0001}/u;

/** One run of a chat prompt's text, tokenized on its own. */
export interface PromptSegment {
  text: string;
  /** True for the template's own markup; false for a message's content. */
  parseSpecial: boolean;
}

/**
 * The prompt's token ids in the model's chat format, with special tokens parsed only in the
 * template's own markup (and in the tool definitions and tool calls it renders, which come from the
 * application and the model, not from a user). Message contents are tokenized as plain text, so a
 * user who types `<|im_end|>` cannot close their turn and speak as the system or the assistant.
 */
export function chatPromptTokens(
  engine: Pick<LocalEngine, "applyChatTemplate" | "tokenize">,
  messages: readonly Message[],
  tools?: readonly EngineTool[],
): number[] {
  const tokens: number[] = [];
  for (const { text, parseSpecial } of chatPromptSegments(engine, messages, tools)) {
    tokens.push(...engine.tokenize(text, { addSpecial: tokens.length === 0, parseSpecial }));
  }
  return tokens;
}

/**
 * The rendered chat prompt as the runs `chatPromptTokens` tokenizes one by one, none empty: the
 * template is rendered around markers, so its cost does not grow with the contents.
 */
export function chatPromptSegments(
  engine: Pick<LocalEngine, "applyChatTemplate">,
  messages: readonly Message[],
  tools?: readonly EngineTool[],
): PromptSegment[] {
  const texts = messages.map((message, index) => textOnly(message, index, "the local engine"));
  const rendered = engine.applyChatTemplate(
    messages.map((message, index) => templateMessage(message, `${open}${index}${close}`)),
    true,
    tools,
  );
  const segments: PromptSegment[] = [];
  const append = (text: string, parseSpecial: boolean) => {
    if (text !== "") segments.push({ text, parseSpecial });
  };
  let rest = rendered;
  while (rest !== "") {
    const found = marker.exec(rest);
    if (!found) {
      append(rest, true);
      break;
    }
    append(rest.slice(0, found.index), true);
    append(texts[Number(found[1])] ?? "", false);
    rest = rest.slice(found.index + found[0].length);
  }
  return segments;
}

function templateMessage(message: Message, content: string): ChatTemplateMessage {
  if (message.role === "assistant" && message.toolCalls?.length) {
    return {
      role: "assistant",
      content: message.content === "" ? "" : content,
      toolCalls: message.toolCalls,
    };
  }
  if (message.role === "tool") return { role: "tool", content, toolCallId: message.toolCallId };
  return { role: message.role, content };
}
