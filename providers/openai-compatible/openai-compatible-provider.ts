import type { Capabilities, LanguageModel, Provider, ProviderContext } from "../../src/core/index.js";
import {
  type ChatModelSettings,
  captureErrorBodies,
  configError,
  createOpenAIClient,
  OpenAIChatModel,
  OpenAIEmbeddingModel,
  openaiCompatibleProviderOptionsSchema,
  registerConfigSecrets,
} from "../openai/index.js";
import { ResponseRedactor } from "../shared/index.js";
import { hostPresets, openaiCompatibleHosts } from "./host-presets.js";
import { HostTokenizer } from "./host-tokenizer.js";
import type { OpenAICompatibleProviderConfig } from "./openai-compatible-config-schema.js";
import { readServerProps } from "./read-server-props.js";
import { narrowCapabilities, resolveDropParams } from "./resolve-drop-params.js";

/**
 * `type: openai-compatible`: Together, Groq, Fireworks, vLLM, Ollama, llama.cpp's server or any
 * other chat-completions endpoint, through the OpenAI adapter configured by a host preset
 * (host-presets.ts) plus the policy's own `dropParams`.
 */
export const openaiCompatibleAdapter = {
  type: "openai-compatible",
  create(id: string, config: OpenAICompatibleProviderConfig, context: ProviderContext): Provider {
    const settings: OpenAICompatibleProviderConfig = config;
    const baseURL = checkBaseURL(id, settings.baseURL);
    const host = settings.host ?? "generic";
    const preset = hostPresets[host];
    if (!preset) {
      throw configError(id, "host", `unknown host "${host}"; known: ${openaiCompatibleHosts.join(", ")}`);
    }
    if (
      settings.apiKey !== undefined &&
      (typeof settings.apiKey !== "string" || settings.apiKey.trim() === "")
    ) {
      throw configError(id, "apiKey", "must be a non-empty string when given");
    }
    const configured = new Set(resolveDropParams(id, settings.dropParams));
    const dropParams = new Set([...preset.dropParams, ...configured]);
    const redactor = new ResponseRedactor(context);
    registerConfigSecrets(redactor, settings.apiKey, settings.headers);
    const { fetch, errorBody } = captureErrorBodies(() => context.fetch ?? globalThis.fetch);
    const client = createOpenAIClient({
      apiKey: settings.apiKey,
      baseURL,
      headers: settings.headers,
      fetch,
      ...(context.logger ? { logger: context.logger } : {}),
    });
    const local = settings.local ?? false;
    const capabilities = narrowCapabilities(
      { ...preset.capabilities, local, noTraining: settings.noTraining ?? false },
      dropParams,
    );
    const settingsFor = (model: string): ChatModelSettings => ({
      provider: id,
      model,
      client,
      capabilities,
      dropParams,
      dropReason: (param) =>
        configured.has(param)
          ? `providers.${id}.dropParams lists ${param}`
          : `${id} (host ${host}) does not support ${param}`,
      maxTokensParam: preset.maxTokensParam,
      ...(preset.jsonObjectAsSchema ? { jsonObjectAsSchema: true } : {}),
      logprobsWire: preset.logprobsWire,
      ...(preset.maxTopLogprobs === undefined ? {} : { maxTopLogprobs: preset.maxTopLogprobs }),
      providerOptionsSchema: openaiCompatibleProviderOptionsSchema,
      redactor,
      errorBody,
    });
    const tokenizer =
      preset.tokenize === undefined
        ? undefined
        : new HostTokenizer({
            wire: preset.tokenize,
            baseURL,
            ...(settings.apiKey !== undefined ? { apiKey: settings.apiKey } : {}),
            ...(settings.headers !== undefined ? { headers: settings.headers } : {}),
            fetch: () => context.fetch ?? globalThis.fetch,
          });
    const described = new Map<string, Promise<Partial<Capabilities>>>();
    const readsProps = preset.readsProps === true && !dropParams.has("tools");
    return {
      id,
      type: "openai-compatible",
      local,
      ...(readsProps
        ? {
            describe(model: string) {
              let known = described.get(model);
              if (!known) {
                known = readServerProps({
                  baseURL,
                  model,
                  headers: {
                    ...settings.headers,
                    ...(settings.apiKey ? { authorization: `Bearer ${settings.apiKey}` } : {}),
                  },
                  fetch: context.fetch ?? globalThis.fetch,
                });
                described.set(model, known);
              }
              return known;
            },
          }
        : {}),
      languageModel(model) {
        const chat = new OpenAIChatModel(settingsFor(model));
        return tokenizer ? withPromptCount(chat, (request) => tokenizer.count(model, request)) : chat;
      },
      embeddingModel: (model) => new OpenAIEmbeddingModel(settingsFor(model), settings.maxEmbeddingInputs),
    };
  },
};

/** `chat` with its prompt counted by the server (see `HostTokenizer`). */
function withPromptCount(
  chat: LanguageModel,
  count: NonNullable<LanguageModel["countPromptTokens"]>,
): LanguageModel {
  return {
    provider: chat.provider,
    model: chat.model,
    capabilities: chat.capabilities,
    doGenerate: (options) => chat.doGenerate(options),
    doStream: (options) => chat.doStream(options),
    countPromptTokens: count,
  };
}

function checkBaseURL(id: string, value: unknown): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw configError(id, "baseURL", "a base URL is required, e.g. http://localhost:8000/v1");
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw configError(id, "baseURL", "not a valid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw configError(id, "baseURL", `expected http or https, got ${url.protocol}`);
  }
  if (url.username || url.password) {
    throw configError(id, "baseURL", "credentials in the URL are not allowed; use apiKey or headers");
  }
  return value.replace(/\/+$/, "");
}
