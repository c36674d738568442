export { type AnthropicModelProfile, anthropicModelProfile } from "./anthropic-capabilities.js";
export { type AnthropicProviderConfig, anthropicConfigSchema } from "./anthropic-config-schema.js";
export { anthropicProvider } from "./anthropic-factory.js";
export {
  type AnthropicProviderOptions,
  anthropicProviderOptionsSchema,
} from "./anthropic-provider-options.js";
