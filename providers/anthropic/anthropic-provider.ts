import Anthropic from "@anthropic-ai/sdk";
import type { LanguageModel, Logger, Provider, ProviderContext } from "../../src/core/index.js";
import { ResponseRedactor, sdkLogger } from "../shared/index.js";
import type { AnthropicProviderConfig } from "./anthropic-config-schema.js";
import { AnthropicLanguageModel } from "./anthropic-language-model.js";

/** The last API version that still accepts temperature, top_p and top_k. */
const samplingApiVersion = "2023-06-01";

/**
 * No client-side deadline of its own: the router aborts every attempt through
 * `CallOptions.signal` (deadline, per-try and idle timeouts). An hour only bounds a leak.
 */
const clientTimeoutMs = 60 * 60 * 1000;

/** Anthropic's Messages API through `@anthropic-ai/sdk`. */
export const anthropicAdapter = {
  type: "anthropic",
  create(id: string, config: AnthropicProviderConfig, context: ProviderContext): Provider {
    return new AnthropicProvider(id, config, context);
  },
};

class AnthropicProvider implements Provider {
  readonly id: string;
  readonly type = "anthropic";
  readonly local: boolean;
  readonly #client: Anthropic;
  readonly #config: AnthropicProviderConfig;
  readonly #redactor: ResponseRedactor;
  readonly #logger: Logger | undefined;

  constructor(id: string, config: AnthropicProviderConfig, context: ProviderContext) {
    this.id = id;
    this.local = config.local ?? false;
    this.#config = config;
    this.#logger = context.logger;
    this.#redactor = new ResponseRedactor(context);
    this.#redactor.registerSecret(config.apiKey);
    this.#client = new Anthropic({
      apiKey: config.apiKey,
      // Explicit, so ANTHROPIC_BASE_URL in the environment cannot redirect a configured provider.
      baseURL: config.baseURL ?? "https://api.anthropic.com",
      // One retry layer only: the router's, which honours retry-after and the call's deadline.
      maxRetries: 0,
      timeout: clientTimeoutMs,
      // Failures reach the router as typed errors. The SDK's warnings go to the router's logger
      // (never the console); its debug and info lines would carry raw request data.
      logger: sdkLogger(context.logger, "@anthropic-ai/sdk"),
      logLevel: "warn",
      ...(config.headers ? { defaultHeaders: config.headers } : {}),
      ...(context.fetch ? { fetch: context.fetch } : {}),
    });
  }

  languageModel(model: string): LanguageModel {
    return new AnthropicLanguageModel({
      provider: this.id,
      model,
      client: this.#client,
      redactor: this.#redactor,
      acceptsSampling: pinnedApiVersion(this.#config.headers) === samplingApiVersion,
      local: this.local,
      noTraining: this.#config.noTraining ?? false,
      ...(this.#logger ? { logger: this.#logger } : {}),
    });
  }
}

function pinnedApiVersion(headers: Record<string, string> | undefined): string | undefined {
  const entry = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === "anthropic-version");
  return entry?.[1].trim();
}
