import type { Capabilities, LanguageModel, Provider, ProviderContext } from "../../src/core/index.js";
import { ResponseRedactor } from "../shared/index.js";
import { type AiSdkTypeConfig, aiSdkSecretOptions } from "./ai-sdk-config-schema.js";
import { AiSdkEmbeddingModel } from "./ai-sdk-embedding-model.js";
import { AiSdkLanguageModel } from "./ai-sdk-language-model.js";
import type {
  AiSdkProviderFactory,
  AiSdkProviderInstance,
  AiSdkLanguageModel as WrappedModel,
} from "./ai-sdk-types.js";
import { embeddingFactoryOf } from "./embedding-factory-of.js";

/**
 * Builds the AI SDK provider of one entry with its `options`, the entry's `baseURL` and `headers`
 * and the router's fetch; registers every credential option with the redactor.
 */
export function createAiSdkProvider(
  id: string,
  type: string,
  config: AiSdkTypeConfig,
  factory: AiSdkProviderFactory,
  context: ProviderContext,
): Provider {
  const redactor = new ResponseRedactor(context);
  const options: Record<string, unknown> = { ...config.options };
  for (const key of aiSdkSecretOptions) {
    const value = options[key];
    if (typeof value === "string") redactor.registerSecret(value);
  }
  if (config.baseURL !== undefined) options.baseURL = config.baseURL;
  if (config.headers !== undefined) options.headers = config.headers;
  // Resolved per call, so a fetch patched after construction (test servers, tracing) is used.
  const fetch: typeof globalThis.fetch = (input, init) => (context.fetch ?? globalThis.fetch)(input, init);
  options.fetch = fetch;
  const instance = factory(options);
  if (!isProviderInstance(instance)) {
    throw new Error(
      "its factory returned no AI SDK provider (expected a function or an object with languageModel)",
    );
  }
  const local = config.local ?? false;
  const capabilities: Partial<Capabilities> = { local, noTraining: config.noTraining ?? false };
  const embeddingFactory = embeddingFactoryOf(instance, id);
  return {
    id,
    type,
    local,
    languageModel(model: string): LanguageModel {
      return new AiSdkLanguageModel({
        provider: id,
        model,
        wrapped: languageModelOf(instance, model, id),
        redactor,
        capabilities,
      });
    },
    // Only a package with embedding models has an embeddings API: the router rejects the others' targets.
    ...(embeddingFactory
      ? {
          embeddingModel: (model: string) =>
            new AiSdkEmbeddingModel({ provider: id, model, wrapped: embeddingFactory(model), redactor }),
        }
      : {}),
  };
}

function isProviderInstance(value: unknown): value is AiSdkProviderInstance {
  if (typeof value === "function") return true;
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { languageModel?: unknown }).languageModel === "function"
  );
}

function languageModelOf(instance: AiSdkProviderInstance, model: string, id: string): WrappedModel {
  const wrapped = typeof instance === "function" ? instance(model) : instance.languageModel(model);
  const version = (wrapped as { specificationVersion?: unknown }).specificationVersion;
  if (version !== "v3" && version !== "v4") {
    throw new Error(
      `provider ${id}: model "${model}" implements AI SDK specification ${String(version)}; Switchyard takes v3 (@ai-sdk/* 3.x, ai 6) and v4 (4.x, ai 7) models`,
    );
  }
  return wrapped;
}
