// What other adapters over the chat-completions API (openai-compatible) build on: the client, the
// error-body capture and the config checks, exported here so no provider reaches into this folder.
export { captureErrorBodies } from "./capture-error-bodies.js";
export type { ChatModelSettings, LogprobsWire } from "./chat-model-settings.js";
export { configError } from "./config-error.js";
export { createOpenAIClient, type OpenAIClientOptions } from "./create-openai-client.js";
export { type DroppableParam, droppableParams, isDroppableParam, needParams } from "./droppable-param.js";
export { mapMessages } from "./map-messages.js";
export { mapTools } from "./map-tools.js";
export {
  type OpenAIModelFamily,
  openaiModelFamilies,
  openaiModelFamily,
  unknownOpenAIModel,
} from "./openai-capabilities.js";
export { OpenAIChatModel } from "./openai-chat-model.js";
export { type OpenAIProviderConfig, openaiConfigSchema } from "./openai-config-schema.js";
export { OpenAIEmbeddingModel, openaiMaxEmbeddingInputs } from "./openai-embedding-model.js";
export { openaiProvider } from "./openai-factory.js";
export {
  type ChatProviderOptions,
  openaiCompatibleProviderOptionsSchema,
  openaiProviderOptionsSchema,
} from "./provider-options.js";
export { registerConfigSecrets } from "./register-config-secrets.js";
