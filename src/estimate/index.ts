export { actualCostUsd } from "./actual-cost-usd.js";
export { countPromptTokens, type PromptCountOptions } from "./count-prompt-tokens.js";
export { countTextTokens } from "./count-text-tokens.js";
export { estimateCostUsd } from "./estimate-cost-usd.js";
export { loadO200k as loadTokenizer } from "./o200k-tokenizer.js";
export { type CountedTarget, PromptTokenCache } from "./prompt-token-cache.js";
export type { CountOptions } from "./token-tally.js";
export { type TokenizerFamily, tokenizerFamily } from "./tokenizer-family.js";
