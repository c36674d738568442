import type { ProviderFactory } from "../../src/core/index.js";
import { type AnthropicProviderConfig, anthropicConfigSchema } from "./anthropic-config-schema.js";

/**
 * The factory of `type: anthropic`: Anthropic's Messages API through `@anthropic-ai/sdk`. The
 * adapter, and with it the SDK, is imported on the first `create`, so a policy without such a
 * provider never loads it.
 */
export const anthropicProvider: ProviderFactory<AnthropicProviderConfig> = {
  type: "anthropic",
  configSchema: anthropicConfigSchema,
  capabilities: { local: false, streaming: true, tools: true },
  catalogProvider: () => ({ id: "anthropic" }),
  async create(id, config, context) {
    const { anthropicAdapter } = await import("./anthropic-provider.js");
    return anthropicAdapter.create(id, config, context);
  },
};
