import type {
  LanguageModelV3CallOptions,
  LanguageModelV3Prompt,
  LanguageModelV4CallOptions,
  LanguageModelV4Prompt,
} from "@ai-sdk/provider";
import type { FinishReason, JsonValue } from "../core/index.js";

/**
 * The AI SDK's language-model specifications Switchyard implements: "v3" (`ai` 6, and accepted by
 * `ai` 7 as well) and "v4" (`ai` 7). What Switchyard maps is the same in both; they differ in how
 * file data and file tool results are written, which the router does not take.
 */
export type SpecificationVersion = "v3" | "v4";

export type AnyCallOptions = LanguageModelV3CallOptions | LanguageModelV4CallOptions;
export type AnyPrompt = LanguageModelV3Prompt | LanguageModelV4Prompt;

/*
 * What the model answers is typed here rather than with `@ai-sdk/provider`'s types: `@ai-sdk/provider`
 * 4 spells JSON values as read-only where 3 does not, so its types and 3's do not fit each other, and
 * an application may have either copy (or both). These plain shapes fit v3 and v4 of both copies.
 */

/** The warnings both specifications share. */
export type Warning =
  | { type: "unsupported"; feature: string; details?: string }
  | { type: "other"; message: string };

export type ProviderMetadata = Record<string, Record<string, JsonValue>>;

export interface Usage {
  inputTokens: {
    total: number | undefined;
    noCache: number | undefined;
    cacheRead: number | undefined;
    cacheWrite: number | undefined;
  };
  outputTokens: { total: number | undefined; text: number | undefined; reasoning: number | undefined };
}

export interface FinishReasonPart {
  unified: FinishReason;
  raw: string | undefined;
}

export interface ResponseMetadata {
  id?: string;
  timestamp?: Date;
  modelId?: string;
}

/** The content Switchyard answers with: reasoning, text and tool calls. */
export type Content =
  | { type: "reasoning"; text: string }
  | { type: "text"; text: string }
  | { type: "tool-call"; toolCallId: string; toolName: string; input: string };

export interface GenerateResult {
  content: Content[];
  finishReason: FinishReasonPart;
  usage: Usage;
  providerMetadata?: ProviderMetadata;
  response?: ResponseMetadata;
  warnings: Warning[];
}

/** The stream parts Switchyard sends. */
export type StreamPart =
  | { type: "stream-start"; warnings: Warning[] }
  | { type: "text-start"; id: string }
  | { type: "text-delta"; id: string; delta: string }
  | { type: "text-end"; id: string }
  | { type: "reasoning-start"; id: string }
  | { type: "reasoning-delta"; id: string; delta: string }
  | { type: "reasoning-end"; id: string }
  | { type: "tool-input-start"; id: string; toolName: string }
  | { type: "tool-input-delta"; id: string; delta: string }
  | { type: "tool-input-end"; id: string }
  | Extract<Content, { type: "tool-call" }>
  | ({ type: "response-metadata" } & ResponseMetadata)
  | { type: "finish"; usage: Usage; finishReason: FinishReasonPart; providerMetadata?: ProviderMetadata }
  | { type: "error"; error: unknown };

export interface StreamResult {
  stream: ReadableStream<StreamPart>;
}
