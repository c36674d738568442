import type { Capabilities } from "../core/index.js";

/** Default capabilities for what neither the adapter nor the policy says: assume the least. */
export const conservativeCapabilities: Capabilities = {
  logprobs: 0,
  tools: false,
  jsonSchema: false,
  streaming: true,
  vision: false,
  contextWindow: 8192,
  local: false,
  noTraining: false,
};
