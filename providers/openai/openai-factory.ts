import type { ProviderFactory } from "../../src/core/index.js";
import { type OpenAIProviderConfig, openaiConfigSchema } from "./openai-config-schema.js";

/**
 * The factory of `type: openai`: OpenAI's chat completions through the `openai` SDK. The adapter,
 * and with it the SDK, is imported on the first `create`, so a policy without such a provider
 * never loads it.
 */
export const openaiProvider: ProviderFactory<OpenAIProviderConfig> = {
  type: "openai",
  configSchema: openaiConfigSchema,
  capabilities: { local: false, streaming: true },
  catalogProvider: () => ({ id: "openai" }),
  async create(id, config, context) {
    const { openaiAdapter } = await import("./openai-provider.js");
    return openaiAdapter.create(id, config, context);
  },
};
