export { type HostPreset, hostPresets, openaiCompatibleHosts } from "./host-presets.js";
export { openaiCompatibleProvider } from "./openai-compatible-provider.js";
