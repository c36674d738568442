import type { Target } from "../core/index.js";

/**
 * How a target's prompt tokens are counted for its cost estimate:
 *
 * - `o200k`, `cl100k`: the exact OpenAI encoding of the model (GPT-4o, GPT-4.1, GPT-5, o-series;
 *   GPT-4 and GPT-3.5), as OpenAI bills it;
 * - `utf8-bound`: every other target (Anthropic, Replicate, OpenAI-compatible hosts, the local
 *   engine, an OpenAI model this table does not know). Their tokenizers are not ours to run, so
 *   the count is a bound no real tokenizer exceeds: one token per UTF-8 byte of every text, plus a
 *   generous allowance for chat-template framing (see `utf8BoundFraming`). Byte-level BPE
 *   (GPT-2/o200k/cl100k, Llama 3, Qwen, Claude) turns every byte into at most one token, since a
 *   token is a run of one or more bytes; SentencePiece with byte fallback (Llama 2, Mistral,
 *   Gemma) emits each token for at least one character or, for an unknown character, one token
 *   per byte, plus at most one dummy-prefix token per text — which the per-message allowance
 *   covers. It is loose (English is ~4 bytes a token), so a `maxCostUsd` close to the real cost
 *   refuses such targets rather than risk passing the cap.
 *
 * A model that counts its own prompt (`LanguageModel.countPromptTokens`: the local engine, llama.cpp
 * and vLLM servers) tightens its family's count for priced targets; see `PromptTokenCache.billable`.
 */
export type TokenizerFamily = "o200k" | "cl100k" | "utf8-bound";

/** OpenAI models on o200k_base; `ft:` fine-tunes inherit their base model's encoding. */
const o200kModels = /^(gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|gpt-oss|o1|o3|o4|codex)/;
/** OpenAI models on cl100k_base. */
const cl100kModels = /^(gpt-4|gpt-3\.5|gpt-35)/;

/** The family whose count is an upper bound on what `target` bills for a prompt. */
export function tokenizerFamily(target: Pick<Target, "providerType" | "model">): TokenizerFamily {
  if (target.providerType !== "openai") return "utf8-bound";
  const model = target.model.replace(/^ft:/, "");
  if (o200kModels.test(model)) return "o200k";
  if (cl100kModels.test(model)) return "cl100k";
  return "utf8-bound";
}
