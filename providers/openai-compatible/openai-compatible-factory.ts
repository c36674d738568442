import type { ProviderFactory } from "../../src/core/index.js";
import {
  type OpenAICompatibleProviderConfig,
  openaiCompatibleConfigSchema,
} from "./openai-compatible-config-schema.js";

/**
 * The factory of `type: openai-compatible`: Any chat-completions host (Together, Groq, vLLM,
 * Ollama…) through the OpenAI adapter and a host preset. The adapter, and with it the SDK, is
 * imported on the first `create`, so a policy without such a provider never loads it.
 */
export const openaiCompatibleProvider: ProviderFactory<OpenAICompatibleProviderConfig> = {
  type: "openai-compatible",
  configSchema: openaiCompatibleConfigSchema,
  capabilities: { streaming: true },
  // Self-hosted servers (vLLM, Ollama, llama.cpp) have no list price; a generic host is matched
  // by its address (api.deepseek.com, api.mistral.ai, …), and stays uncatalogued if none matches.
  catalogProvider(config) {
    const host = config.host ?? "generic";
    if (host === "groq" || host === "together" || host === "fireworks") return { id: host };
    return host === "generic" ? { baseURL: config.baseURL } : undefined;
  },
  async create(id, config, context) {
    const { openaiCompatibleAdapter } = await import("./openai-compatible-provider.js");
    return openaiCompatibleAdapter.create(id, config, context);
  },
};
