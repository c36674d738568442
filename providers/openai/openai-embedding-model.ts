import type { EmbedCallOptions, EmbedCallResult, EmbeddingModel } from "../../src/core/index.js";
import { SwitchyardError } from "../../src/core/index.js";
import { createProviderCallError, linkSignal } from "../shared/index.js";
import type { ChatModelSettings } from "./chat-model-settings.js";
import { mapOpenAIError } from "./map-openai-error.js";

/** OpenAI takes at most 2,048 inputs per embeddings request. */
export const openaiMaxEmbeddingInputs = 2048;

/**
 * `POST /v1/embeddings` through the official SDK, for OpenAI and OpenAI-compatible hosts (vLLM,
 * llama.cpp server, Together, …). Errors are mapped like the chat adapter's; ids are redacted.
 */
export class OpenAIEmbeddingModel implements EmbeddingModel {
  readonly provider: string;
  readonly model: string;

  constructor(
    readonly settings: ChatModelSettings,
    readonly maxInputsPerCall: number = openaiMaxEmbeddingInputs,
  ) {
    this.provider = settings.provider;
    this.model = settings.model;
  }

  async doEmbed(options: EmbedCallOptions): Promise<EmbedCallResult> {
    const mayHaveBeenSent = !options.signal.aborted;
    const link = linkSignal(options.signal);
    try {
      const { data, response } = await this.settings.client.embeddings
        .create(
          {
            model: this.model,
            input: options.values,
            encoding_format: "float",
            ...(options.dimensions !== undefined ? { dimensions: options.dimensions } : {}),
          },
          { signal: link.signal },
        )
        .withResponse();
      const vectors = [...data.data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
      if (vectors.length !== options.values.length || vectors.some((vector) => !Array.isArray(vector))) {
        throw createProviderCallError({
          provider: this.provider,
          model: this.model,
          redact: this.settings.redactor.redact,
          kind: "invalid_response",
          retryable: false,
          detail: `expected ${options.values.length} embeddings, got ${vectors.length}`,
          possiblyBilled: true,
        });
      }
      const requestId = response.headers.get("x-request-id") ?? undefined;
      const tokens = data.usage?.prompt_tokens;
      return {
        embeddings: vectors,
        ...(typeof tokens === "number" ? { usage: { inputTokens: tokens } } : {}),
        ...(requestId ? { requestId: this.settings.redactor.redact(requestId) } : {}),
      };
    } catch (error) {
      if (SwitchyardError.isInstance(error)) throw error;
      throw await mapOpenAIError(error, {
        settings: this.settings,
        phase: "request",
        signal: options.signal,
        mayHaveBeenSent,
      });
    } finally {
      link.dispose();
    }
  }
}
