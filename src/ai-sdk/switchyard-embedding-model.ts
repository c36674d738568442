import { type EmbedRequest, maxEmbedInputs } from "../core/index.js";
import type { Router } from "../router/router.js";
import type { ProviderMetadata, SpecificationVersion, Warning } from "./ai-sdk-spec.js";
import { headersWarning } from "./headers-warning.js";
import { toProviderMetadata } from "./map-result.js";
import { parseEmbedOptions } from "./switchyard-embed-options.js";
import { toAiSdkError } from "./to-ai-sdk-error.js";

/** What the AI SDK passes to `doEmbed`, in both specifications (`dimensions` is v4's only). */
export interface EmbedCallOptions {
  values: string[];
  dimensions?: number;
  abortSignal?: AbortSignal;
  providerOptions?: Record<string, Record<string, unknown>>;
  headers?: Record<string, string | undefined>;
}

export interface EmbedCallResult {
  embeddings: number[][];
  usage: { tokens: number };
  providerMetadata: ProviderMetadata;
  warnings: Warning[];
}

/**
 * One route of a router as an AI SDK embedding model: `embed` and `embedMany` call `doEmbed`,
 * which is one `router.embed` (the router picks the target, batches to its limit, retries and
 * falls back). The model id is the route's name. The AI SDK splits `embedMany` only above the
 * router's own bound per call (`maxEmbeddingsPerCall`, 100,000 values), and may send those
 * calls in parallel: the router's limiters hold them.
 */
export class SwitchyardEmbeddingModel<Version extends SpecificationVersion> {
  readonly specificationVersion: Version;
  readonly provider = "switchyard";
  readonly modelId: string;
  readonly maxEmbeddingsPerCall = maxEmbedInputs;
  readonly supportsParallelCalls = true;
  readonly #router: Router;

  constructor(router: Router, route: string, specificationVersion: Version) {
    this.#router = router;
    this.modelId = route;
    this.specificationVersion = specificationVersion;
  }

  /**
   * Bound to the model: `ai` 7 calls a v3 embedding model through a `Proxy` (to label it v4), and
   * a method called on the proxy could not read the model's private fields.
   */
  readonly doEmbed = (options: EmbedCallOptions): Promise<EmbedCallResult> => this.#embed(options);

  async #embed(options: EmbedCallOptions): Promise<EmbedCallResult> {
    const warnings: Warning[] = [];
    try {
      const routing = await parseEmbedOptions(options.providerOptions?.switchyard);
      const request: EmbedRequest = { route: this.modelId, input: options.values, ...routing };
      if (options.dimensions !== undefined) request.dimensions = options.dimensions;
      if (options.abortSignal) request.signal = options.abortSignal;
      const headers = headersWarning(options.headers);
      if (headers) warnings.push(headers);
      const result = await this.#router.embed(request);
      return {
        embeddings: result.embeddings,
        usage: { tokens: result.usage.inputTokens },
        providerMetadata: toProviderMetadata(result),
        warnings,
      };
    } catch (error) {
      throw await toAiSdkError(error, {
        route: this.modelId,
        abortSignal: options.abortSignal,
        modelType: "embeddingModel",
      });
    }
  }
}
