import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3GenerateResult,
  LanguageModelV3Prompt,
  LanguageModelV3StreamPart,
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Prompt,
  SharedV3Warning,
} from "@ai-sdk/provider";

/**
 * The AI SDK's language-model specifications Switchyard implements: "v3" (`ai` 6, and accepted by
 * `ai` 7 as well) and "v4" (`ai` 7). What Switchyard maps is the same in both; they differ in how
 * file data and file tool results are written, which the router does not take.
 */
export type SpecificationVersion = "v3" | "v4";

/** The model type of a specification version. */
export type LanguageModelOf<Version extends SpecificationVersion> = Version extends "v4"
  ? LanguageModelV4
  : LanguageModelV3;

export type AnyCallOptions = LanguageModelV3CallOptions | LanguageModelV4CallOptions;
export type AnyPrompt = LanguageModelV3Prompt | LanguageModelV4Prompt;

/** The warnings both specifications share. */
export type Warning = Extract<SharedV3Warning, { type: "unsupported" | "other" }>;

/** The content Switchyard answers with, spelled the same in both specifications. */
export type Content = Extract<LanguageModelV3Content, { type: "text" | "tool-call" }>;

export type GenerateResult = Omit<LanguageModelV3GenerateResult, "content" | "warnings"> & {
  content: Content[];
  warnings: Warning[];
};

/** The stream parts Switchyard sends, spelled the same in both specifications. */
export type StreamPart = Extract<
  LanguageModelV3StreamPart,
  {
    type:
      | "stream-start"
      | "text-start"
      | "text-delta"
      | "text-end"
      | "tool-input-start"
      | "tool-input-delta"
      | "tool-input-end"
      | "tool-call"
      | "response-metadata"
      | "finish"
      | "error";
  }
>;

export interface StreamResult {
  stream: ReadableStream<StreamPart>;
}
