export type { ChatCountRequest, ChatGenerateRequest, EngineHandle, EngineRun } from "./engine-handle.js";
export { InProcessEngine } from "./in-process-engine.js";
export { LocalChatModel } from "./local-chat-model.js";
export { type LocalGpu, type LocalProviderConfig, localConfigSchema } from "./local-config-schema.js";
export { LocalEmbeddingModel, localMaxEmbeddingInputs } from "./local-embedding-model.js";
export { createLocalProvider, localProvider } from "./local-factory.js";
export {
  type EngineStart,
  LocalEngineUnavailableError,
  type LocalProviderOptions,
  startLocalEngine,
} from "./local-provider.js";
