import type { LanguageModelV3, LanguageModelV4 } from "@ai-sdk/provider";

/** A model of an AI SDK provider package: specification v3 (`@ai-sdk/*` 3.x) or v4 (4.x). */
export type AiSdkLanguageModel = LanguageModelV3 | LanguageModelV4;

/** What an AI SDK provider factory returns: callable with a model id, or with `languageModel`. */
export type AiSdkProviderInstance =
  | ((modelId: string) => AiSdkLanguageModel)
  | { languageModel(modelId: string): AiSdkLanguageModel };

/** An AI SDK provider factory such as `createMistral`: settings in, provider out. */
export type AiSdkProviderFactory = (settings: Record<string, unknown>) => unknown;
