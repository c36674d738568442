export { type ReplicateModelFamily, replicateModelFamily } from "./replicate-model-family.js";
export { replicateProvider } from "./replicate-provider.js";
export {
  type ReplicateProviderOptions,
  replicateProviderOptionsSchema,
} from "./replicate-provider-options.js";
