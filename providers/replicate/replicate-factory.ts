import type { ProviderFactory } from "../../src/core/index.js";
import { type ReplicateProviderConfig, replicateConfigSchema } from "./replicate-config-schema.js";

/**
 * The factory of `type: replicate`: Hosted open models on Replicate through the `replicate` SDK.
 * The adapter, and with it the SDK, is imported on the first `create`, so a policy without such a
 * provider never loads it.
 */
export const replicateProvider: ProviderFactory<ReplicateProviderConfig> = {
  type: "replicate",
  configSchema: replicateConfigSchema,
  capabilities: { local: false, streaming: true },
  async create(id, config, context) {
    const { replicateAdapter } = await import("./replicate-provider.js");
    return replicateAdapter.create(id, config, context);
  },
};
