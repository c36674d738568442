import { countTokens } from "gpt-tokenizer/encoding/o200k_base";

/**
 * Special-token text (`<|endoftext|>`) is counted as plain text: callers' content is never a
 * control sequence, and the tokenizer's default would throw on it. Built once, reused per call.
 */
const asPlainText = { disallowedSpecial: new Set<string>() };

/** Tokens of a text in the o200k_base encoding (GPT-4o and later). */
export function countTextTokens(text: string): number {
  return text === "" ? 0 : countTokens(text, asPlainText);
}
