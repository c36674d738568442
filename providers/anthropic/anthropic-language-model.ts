import type Anthropic from "@anthropic-ai/sdk";
import type {
  CallOptions,
  Capabilities,
  GenerateResult,
  LanguageModel,
  Logger,
  StreamResult,
} from "../../src/core/index.js";
import { createProviderCallError, divertConsoleWarnings, type ResponseRedactor } from "../shared/index.js";
import { type AnthropicModelProfile, anthropicModelProfile } from "./anthropic-capabilities.js";
import { anthropicStreamParts } from "./anthropic-stream-parts.js";
import { buildAnthropicRequest } from "./build-anthropic-request.js";
import { type AnthropicErrorContext, mapAnthropicError } from "./map-anthropic-error.js";
import { mapAnthropicMessage } from "./map-anthropic-message.js";

export interface AnthropicLanguageModelSettings {
  provider: string;
  model: string;
  client: Anthropic;
  /** Redacts everything taken from a response: results, stream parts, errors. */
  redactor: ResponseRedactor;
  /** See AnthropicRequestContext.acceptsSampling. */
  acceptsSampling: boolean;
  /** Operator declarations from the provider config. */
  local: boolean;
  noTraining: boolean;
  /** The router's logger for this provider: the SDK's console warnings (deprecated models) go here. */
  logger?: Logger;
}

/** One Claude model over the Messages API. Never retries: the router owns retries. */
export class AnthropicLanguageModel implements LanguageModel {
  readonly provider: string;
  readonly model: string;
  readonly capabilities: Partial<Capabilities>;
  readonly #settings: AnthropicLanguageModelSettings;
  readonly #profile: AnthropicModelProfile;

  constructor(settings: AnthropicLanguageModelSettings) {
    this.provider = settings.provider;
    this.model = settings.model;
    this.#settings = settings;
    this.#profile = anthropicModelProfile(settings.model);
    this.capabilities = {
      ...this.#profile.capabilities,
      local: settings.local,
      noTraining: settings.noTraining,
    };
  }

  async doGenerate(options: CallOptions): Promise<GenerateResult> {
    const errors = this.#errorContext(options.signal);
    this.#throwIfAborted(errors);
    const request = this.#buildRequest(options);
    try {
      const { data, request_id } = await this.#send(() =>
        this.#settings.client.messages.create(
          { ...request.params, stream: false },
          { signal: options.signal },
        ),
      ).withResponse();
      if (!Array.isArray(data?.content)) {
        throw createProviderCallError({
          ...errors,
          kind: "invalid_response",
          retryable: false,
          possiblyBilled: true,
          detail: "the response has no content array",
        });
      }
      return this.#settings.redactor.result(mapAnthropicMessage(data, request, request_id ?? undefined));
    } catch (error) {
      throw mapAnthropicError(error, { ...errors, streaming: false });
    }
  }

  async doStream(options: CallOptions): Promise<StreamResult> {
    const errors = this.#errorContext(options.signal);
    this.#throwIfAborted(errors);
    const request = this.#buildRequest(options);
    try {
      const { data, request_id } = await this.#send(() =>
        this.#settings.client.messages.create(
          { ...request.params, stream: true },
          { signal: options.signal },
        ),
      ).withResponse();
      return {
        stream: this.#settings.redactor.stream(
          anthropicStreamParts(data, { request, requestId: request_id ?? undefined, errors }),
        ),
        warnings: [...request.warnings],
      };
    } catch (error) {
      throw mapAnthropicError(error, { ...errors, streaming: false });
    }
  }

  /** Sends through the SDK with its console warnings (a deprecated model, on every call) logged instead. */
  #send<T>(create: () => T): T {
    const { logger, provider, model } = this.#settings;
    return divertConsoleWarnings(create, (message) => {
      logger?.warn({ sdk: "@anthropic-ai/sdk", model }, `${provider}:${model}: ${message}`);
    });
  }

  #buildRequest(options: CallOptions) {
    return buildAnthropicRequest(options, {
      model: this.model,
      profile: this.#profile,
      acceptsSampling: this.#settings.acceptsSampling,
    });
  }

  #errorContext(signal: AbortSignal): Omit<AnthropicErrorContext, "streaming"> {
    return { provider: this.provider, model: this.model, redact: this.#settings.redactor.redact, signal };
  }

  #throwIfAborted(errors: Omit<AnthropicErrorContext, "streaming">): void {
    if (errors.signal.aborted) {
      throw createProviderCallError({
        ...errors,
        kind: "aborted",
        retryable: false,
        detail: "aborted before sending",
      });
    }
  }
}
