import type { ProviderFactory } from "../../src/core/index.js";
import {
  type AiSdkProviderConfig,
  type AiSdkTypeConfig,
  aiSdkConfigSchema,
  aiSdkSecretOptions,
  aiSdkTypeConfigSchema,
} from "./ai-sdk-config-schema.js";
import type { AiSdkProviderFactory } from "./ai-sdk-types.js";

/** Entry fields of every AI SDK provider that hold credentials. */
const secretFields = aiSdkSecretOptions.map((key) => `options.${key}`);

/**
 * What every model of an AI SDK package is assumed to do: function tools and JSON-schema output
 * (every `@ai-sdk/*` chat provider maps both); no log-probs. A target narrows it (`tools: false`)
 * and gives its `contextWindow`.
 */
const capabilities = { streaming: true, local: false, tools: true, jsonSchema: true, logprobs: 0 };

/**
 * The factory of `type: ai-sdk`: any AI SDK provider package, named by `package` and `factory`
 * (`@ai-sdk/mistral`, `createMistral`), imported on the first `create` of such an entry.
 */
export const aiSdkProvider: ProviderFactory<AiSdkProviderConfig> = {
  type: "ai-sdk",
  configSchema: aiSdkConfigSchema,
  capabilities,
  secretFields,
  async create(id, config, context) {
    const [{ loadAiSdkFactory }, { createAiSdkProvider }] = await Promise.all([
      import("./load-ai-sdk-package.js"),
      import("./ai-sdk-provider.js"),
    ]);
    const factory = await loadAiSdkFactory(config.package, config.factory);
    return createAiSdkProvider(id, "ai-sdk", config, factory, context);
  },
};

/**
 * A provider type of its own for an AI SDK factory passed in code, so that no package is named in
 * the policy: `createRouter({ providers: [aiSdkProviderType("mistral", createMistral)] })`, then
 * `providers.mistral: { type: mistral, options: { apiKey: "${MISTRAL_API_KEY}" } }`.
 */
export function aiSdkProviderType<Type extends string>(
  type: Type,
  factory: (settings: never) => unknown,
): ProviderFactory<AiSdkTypeConfig> {
  const configSchema = aiSdkTypeConfigSchema(type);
  return {
    type,
    configSchema: configSchema as unknown as ProviderFactory<AiSdkTypeConfig>["configSchema"],
    capabilities,
    secretFields,
    async create(id, config, context) {
      const { createAiSdkProvider } = await import("./ai-sdk-provider.js");
      return createAiSdkProvider(id, type, config, factory as AiSdkProviderFactory, context);
    },
  };
}
