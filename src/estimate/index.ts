export { actualCostUsd } from "./actual-cost-usd.js";
export { countPromptTokens } from "./count-prompt-tokens.js";
export { countTextTokens } from "./count-text-tokens.js";
export { estimateCostUsd } from "./estimate-cost-usd.js";
