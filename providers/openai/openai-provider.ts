import type { Provider, ProviderContext } from "../../src/core/index.js";
import { ResponseRedactor } from "../shared/index.js";
import { captureErrorBodies } from "./capture-error-bodies.js";
import type { ChatModelSettings } from "./chat-model-settings.js";
import { configError } from "./config-error.js";
import { createOpenAIClient, openaiDefaultBaseURL } from "./create-openai-client.js";
import { openaiModelFamily } from "./openai-capabilities.js";
import { OpenAIChatModel } from "./openai-chat-model.js";
import type { OpenAIProviderConfig } from "./openai-config-schema.js";
import { OpenAIEmbeddingModel } from "./openai-embedding-model.js";
import { openaiProviderOptionsSchema } from "./provider-options.js";
import { registerConfigSecrets } from "./register-config-secrets.js";

/**
 * `type: openai`: OpenAI's chat completions through the official SDK. The factory registered by
 * the router (openai-factory.ts) imports this module on first use, so the SDK loads only then.
 */
export const openaiAdapter = {
  type: "openai",
  create(id: string, config: OpenAIProviderConfig, context: ProviderContext): Provider {
    const settings: OpenAIProviderConfig = config;
    if (typeof settings.apiKey !== "string" || settings.apiKey.trim() === "") {
      throw configError(id, "apiKey", "an API key is required");
    }
    const redactor = new ResponseRedactor(context);
    registerConfigSecrets(redactor, settings.apiKey, settings.headers);
    const { fetch, errorBody } = captureErrorBodies(() => context.fetch ?? globalThis.fetch);
    const client = createOpenAIClient({
      apiKey: settings.apiKey,
      baseURL: settings.baseURL ?? openaiDefaultBaseURL,
      organization: settings.organization,
      project: settings.project,
      headers: settings.headers,
      fetch,
      ...(context.logger ? { logger: context.logger } : {}),
    });
    const local = settings.local ?? false;
    const settingsFor = (model: string): ChatModelSettings => {
      const family = openaiModelFamily(model);
      return {
        provider: id,
        model,
        client,
        capabilities: { ...family.capabilities, local, noTraining: settings.noTraining ?? false },
        dropParams: new Set(family.dropParams),
        dropReason: (param) => `${id}:${model} does not accept ${param}`,
        maxTokensParam: "max_completion_tokens",
        logprobsWire: "openai",
        maxTopLogprobs: 20,
        providerOptionsSchema: openaiProviderOptionsSchema,
        redactor,
        errorBody,
      };
    };
    return {
      id,
      type: "openai",
      local,
      languageModel: (model) => new OpenAIChatModel(settingsFor(model)),
      embeddingModel: (model) => new OpenAIEmbeddingModel(settingsFor(model)),
    };
  },
};
