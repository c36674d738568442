import type { Router } from "../router/router.js";
import type { SpecificationVersion } from "./ai-sdk-spec.js";
import { SwitchyardEmbeddingModel } from "./switchyard-embedding-model.js";
import { SwitchyardLanguageModel } from "./switchyard-language-model.js";

export interface SwitchyardProviderOptions<Version extends SpecificationVersion = "v3"> {
  /** The router whose routes become models; its owner closes it. */
  router: Router;
  /**
   * The AI SDK model specification to implement: "v3" works with `ai` 6 and `ai` 7, "v4" with
   * `ai` 7 only. @default "v3"
   */
  specificationVersion?: Version;
}

/**
 * `switchyard("route")`: a route of the router as an AI SDK language model. Its type is the model's
 * own, narrower than `LanguageModelV3`/`V4` (only text and tool calls come out), so it fits the
 * `LanguageModel` of whichever copy of `@ai-sdk/provider` an application's `ai` brings.
 */
export interface SwitchyardProvider<Version extends SpecificationVersion = "v3"> {
  (route: string): SwitchyardLanguageModel<Version>;
  languageModel(route: string): SwitchyardLanguageModel<Version>;
  /** The route as an embedding model, for `embed` and `embedMany`: each call is one `router.embed`. */
  embeddingModel(route: string): SwitchyardEmbeddingModel<Version>;
  /** `embeddingModel` by the name of the AI SDK's v2 specification and of `ai` 5's calls. */
  textEmbeddingModel(route: string): SwitchyardEmbeddingModel<Version>;
}

/**
 * The AI SDK provider of a router: each route is a model. Calls keep every routing behaviour
 * (fallback, retries, budgets, the trace in `providerMetadata.switchyard`); turn the AI SDK's own
 * retries off (`maxRetries: 0`), the router owns them.
 *
 * @example
 * const switchyard = createSwitchyard({ router });
 * const { text } = await generateText({ model: switchyard("default"), prompt: "Hi", maxRetries: 0 });
 * const { embedding } = await embed({ model: switchyard.embeddingModel("embeddings"), value: "Hi", maxRetries: 0 });
 */
export function createSwitchyard<Version extends SpecificationVersion = "v3">(
  options: SwitchyardProviderOptions<Version>,
): SwitchyardProvider<Version> {
  const version = (options.specificationVersion ?? "v3") as Version;
  const languageModel = (route: string) => new SwitchyardLanguageModel(options.router, route, version);
  const embeddingModel = (route: string) => new SwitchyardEmbeddingModel(options.router, route, version);
  return Object.assign(languageModel, { languageModel, embeddingModel, textEmbeddingModel: embeddingModel });
}
