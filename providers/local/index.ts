export type { ChatGenerateRequest, EngineHandle, EngineRun } from "./engine-handle.js";
export { InProcessEngine } from "./in-process-engine.js";
export { LocalChatModel } from "./local-chat-model.js";
export {
  createLocalProvider,
  type EngineStart,
  LocalEngineUnavailableError,
  type LocalProviderOptions,
  localProvider,
  startLocalEngine,
} from "./local-provider.js";
