export type { AiSdkProviderConfig, AiSdkTypeConfig } from "./ai-sdk-config-schema.js";
export { aiSdkProvider, aiSdkProviderType } from "./ai-sdk-factory.js";
