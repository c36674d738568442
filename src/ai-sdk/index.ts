/**
 * `switchyard-ai/ai-sdk`: a router as a Vercel AI SDK provider. Imported on its own so that
 * applications without the AI SDK never load this adapter.
 */
export type { SpecificationVersion } from "./ai-sdk-spec.js";
export {
  createSwitchyard,
  type SwitchyardProvider,
  type SwitchyardProviderOptions,
} from "./create-switchyard.js";
export type { SwitchyardCallOptions } from "./switchyard-call-options.js";
export type { SwitchyardEmbedOptions } from "./switchyard-embed-options.js";
export type { SwitchyardEmbeddingModel } from "./switchyard-embedding-model.js";
export type { SwitchyardLanguageModel } from "./switchyard-language-model.js";
