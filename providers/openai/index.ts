export type { ChatModelSettings, LogprobsWire } from "./chat-model-settings.js";
export { type DroppableParam, droppableParams, isDroppableParam, needParams } from "./droppable-param.js";
export {
  type OpenAIModelFamily,
  openaiModelFamilies,
  openaiModelFamily,
  unknownOpenAIModel,
} from "./openai-capabilities.js";
export { OpenAIChatModel } from "./openai-chat-model.js";
export { type OpenAIProviderConfig, openaiConfigSchema } from "./openai-config-schema.js";
export { openaiProvider } from "./openai-factory.js";
export {
  type ChatProviderOptions,
  openaiCompatibleProviderOptionsSchema,
  openaiProviderOptionsSchema,
} from "./provider-options.js";
