export { type AnthropicModelProfile, anthropicModelProfile } from "./anthropic-capabilities.js";
export { anthropicProvider } from "./anthropic-provider.js";
export {
  type AnthropicProviderOptions,
  anthropicProviderOptionsSchema,
} from "./anthropic-provider-options.js";
