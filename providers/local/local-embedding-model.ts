import type { EmbedCallOptions, EmbedCallResult, EmbeddingModel } from "../../src/core/index.js";
import { ProviderCallError } from "../../src/core/index.js";
import type { EngineHandle } from "./engine-handle.js";
import { mapEngineError } from "./map-engine-error.js";

/**
 * Texts per `doEmbed`: the router splits larger inputs into consecutive calls, which keeps the
 * tokenizing of one call's texts (on the event loop, in slices) short.
 * @default 256
 */
export const localMaxEmbeddingInputs = 256;

export interface LocalEmbeddingModelSettings {
  provider: string;
  model: string;
  engine: Promise<{ engine: EngineHandle }>;
  redact: (text: string) => string;
}

/** The engine's embedding context as an embedding target: unit vectors, exact token usage, no cost. */
export class LocalEmbeddingModel implements EmbeddingModel {
  readonly provider: string;
  readonly model: string;
  readonly maxInputsPerCall = localMaxEmbeddingInputs;
  readonly #settings: LocalEmbeddingModelSettings;

  constructor(settings: LocalEmbeddingModelSettings) {
    this.provider = settings.provider;
    this.model = settings.model;
    this.#settings = settings;
  }

  async doEmbed(options: EmbedCallOptions): Promise<EmbedCallResult> {
    const { engine } = await this.#settings.engine;
    const served = engine.info.embeddings;
    if (engine.embed === undefined || served === undefined) {
      throw this.#badRequest(
        engine.embed === undefined
          ? "this engine serves no embeddings"
          : "the model serves no embeddings: its GGUF metadata names no pooling (set embeddings: on to pool a generative model)",
      );
    }
    if (options.dimensions !== undefined && options.dimensions !== served.dimensions) {
      throw this.#badRequest(
        `dimensions ${options.dimensions} asked, but the model's vectors have ${served.dimensions} (they cannot be shortened)`,
      );
    }
    try {
      const output = await engine.embed(options.values, options.signal);
      return {
        embeddings: output.embeddings.map((vector) => Array.from(vector)),
        usage: { inputTokens: output.inputTokens },
      };
    } catch (error) {
      throw mapEngineError(error, this, this.#settings.redact);
    }
  }

  #badRequest(detail: string): ProviderCallError {
    return new ProviderCallError({
      kind: "bad_request",
      message: `${this.provider}:${this.model} ${detail}`,
      provider: this.provider,
      model: this.model,
      retryable: false,
    });
  }
}
