import type { WrappedEmbeddingModel } from "./ai-sdk-embedding-model.js";

/** The names AI SDK providers give the method that makes an embedding model, newest first. */
const methods = ["embeddingModel", "textEmbeddingModel", "embedding", "textEmbedding"] as const;

/**
 * How the provider instance of an AI SDK package makes embedding models: `embeddingModel` (the
 * v3 and v4 specifications' name), else `textEmbeddingModel` (v2's, kept by 3.x packages), else
 * `embedding` / `textEmbedding` (the packages' shorthands). Undefined for a package with none.
 * The function it returns never throws: a model the package refuses (`NoSuchModelError`) or one
 * of another specification comes back as the error, which the model's calls then fail with (so
 * one target's model id does not break the router's other embedding targets).
 */
export function embeddingFactoryOf(
  instance: unknown,
  id: string,
): ((model: string) => WrappedEmbeddingModel | Error) | undefined {
  if ((typeof instance !== "object" && typeof instance !== "function") || instance === null) return undefined;
  const holder = instance as Record<string, unknown>;
  const method = methods.find((name) => typeof holder[name] === "function");
  if (method === undefined) return undefined;
  const make = holder[method] as (model: string) => unknown;
  return (model) => {
    let wrapped: unknown;
    try {
      wrapped = make.call(instance, model);
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
    const version = (wrapped as { specificationVersion?: unknown } | undefined)?.specificationVersion;
    if (version !== "v3" && version !== "v4") {
      return new Error(
        `provider ${id}: embedding model "${model}" implements AI SDK specification ${String(version)}; Switchyard takes v3 (@ai-sdk/* 3.x, ai 6) and v4 (4.x, ai 7) models`,
      );
    }
    return wrapped as WrappedEmbeddingModel;
  };
}
