export { type HostPreset, hostPresets, openaiCompatibleHosts } from "./host-presets.js";
export {
  type OpenAICompatibleHost,
  type OpenAICompatibleProviderConfig,
  openaiCompatibleConfigSchema,
} from "./openai-compatible-config-schema.js";
export { openaiCompatibleProvider } from "./openai-compatible-factory.js";
