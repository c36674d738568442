export { LocalChatModel } from "./local-chat-model.js";
export { LocalEngineUnavailableError, localProvider } from "./local-provider.js";
