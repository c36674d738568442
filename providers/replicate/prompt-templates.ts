import type { ChatTranscript } from "./chat-turns.js";

/**
 * Renders a conversation into one prompt string in a model family's chat format. A trailing
 * assistant turn is left open, so the model continues it (prefill).
 */
export type PromptTemplate = (transcript: ChatTranscript) => string;

/** Meta Llama 3 / 3.1 instruct: header tokens around each role, `<|eot_id|>` after each turn. */
export const llama3Template: PromptTemplate = ({ system, turns }) => {
  const header = (role: string) => `<|start_header_id|>${role}<|end_header_id|>\n\n`;
  let prompt = "<|begin_of_text|>";
  if (system) prompt += `${header("system")}${system.trim()}<|eot_id|>`;
  turns.forEach((turn, index) => {
    const open = index === turns.length - 1 && turn.role === "assistant";
    prompt += `${header(turn.role)}${turn.content.trim()}${open ? "" : "<|eot_id|>"}`;
  });
  return turns.at(-1)?.role === "assistant" ? prompt : `${prompt}${header("assistant")}`;
};

/**
 * Llama 2 chat (Meta's reference format): every exchange is `<s>[INST] … [/INST] answer </s>`,
 * the system prompt inside `<<SYS>>` of the first instruction.
 */
export const llama2Template: PromptTemplate = ({ system, turns }) =>
  instructTurns(turns, system ? `<<SYS>>\n${system}\n<</SYS>>\n\n` : "", {
    afterInstruction: " ",
    afterAnswer: " </s>",
    bosEachTurn: true,
  });

/**
 * Mistral / Mixtral instruct: `<s>[INST] … [/INST]answer</s>[INST] … [/INST]`, one BOS for the
 * whole prompt; no system role, so the system prompt leads the first instruction.
 */
export const mistralTemplate: PromptTemplate = ({ system, turns }) =>
  instructTurns(turns, system ? `${system}\n\n` : "", {
    afterInstruction: "",
    afterAnswer: "</s>",
    bosEachTurn: false,
  });

function instructTurns(
  turns: ChatTranscript["turns"],
  systemPrefix: string,
  format: { afterInstruction: string; afterAnswer: string; bosEachTurn: boolean },
): string {
  let prompt = "";
  let first = true;
  turns.forEach((turn, index) => {
    if (turn.role === "user") {
      const instruction = `${first ? systemPrefix : ""}${turn.content.trim()}`;
      prompt += `${first || format.bosEachTurn ? "<s>" : ""}[INST] ${instruction} [/INST]`;
      first = false;
    } else {
      const open = index === turns.length - 1;
      prompt += `${format.afterInstruction}${turn.content.trim()}${open ? "" : format.afterAnswer}`;
    }
  });
  // A conversation with no user turn still needs an instruction for the system prompt to sit in.
  return first && systemPrefix ? `<s>[INST] ${systemPrefix.trim()} [/INST]` : prompt;
}

/**
 * Models with no known chat format: a single user message is the prompt as it is; a longer
 * conversation becomes a labelled transcript ending where the assistant speaks next. The system
 * prompt goes separately, as `system_prompt`.
 */
export const genericTemplate: PromptTemplate = ({ turns }) => {
  const [only] = turns;
  if (turns.length === 1 && only?.role === "user") return only.content;
  const label = (role: string) => (role === "user" ? "User" : "Assistant");
  const lines = turns.map((turn) => `${label(turn.role)}: ${turn.content}`);
  return turns.at(-1)?.role === "assistant" ? lines.join("\n\n") : [...lines, "Assistant:"].join("\n\n");
};
