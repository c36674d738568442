export { type ReplicateProviderConfig, replicateConfigSchema } from "./replicate-config-schema.js";
export { replicateProvider } from "./replicate-factory.js";
export { type ReplicateModelFamily, replicateModelFamily } from "./replicate-model-family.js";
export {
  type ReplicateProviderOptions,
  replicateProviderOptionsSchema,
} from "./replicate-provider-options.js";
