import type { EngineEvent, JsonSchemaNode } from "../../local-engine/index.js";
import {
  type CallOptions,
  type Capabilities,
  type FinishReason,
  type GenerateResult,
  type JsonValue,
  type LanguageModel,
  ProviderCallError,
  type ProviderStreamPart,
  type StreamResult,
  type TokenLogprob,
} from "../../src/core/index.js";
import type { EngineHandle, EngineRun } from "./engine-handle.js";
import { mapEngineError } from "./map-engine-error.js";

type EngineModule = typeof import("../../local-engine/index.js");

export interface LocalChatModelSettings {
  provider: string;
  model: string;
  engine: Promise<{ engine: EngineHandle; module: EngineModule }>;
  capabilities: Partial<Capabilities>;
  redact: (text: string) => string;
}

/** The in-process engine as a target: chat template, grammar for JSON output, native log-probs. */
export class LocalChatModel implements LanguageModel {
  readonly provider: string;
  readonly model: string;
  readonly capabilities: Partial<Capabilities>;
  readonly #settings: LocalChatModelSettings;

  constructor(settings: LocalChatModelSettings) {
    this.provider = settings.provider;
    this.model = settings.model;
    this.capabilities = settings.capabilities;
    this.#settings = settings;
  }

  async doGenerate(options: CallOptions): Promise<GenerateResult> {
    const { stream, warnings } = await this.doStream(options);
    let text = "";
    const logprobs: TokenLogprob[] = [];
    for await (const part of stream) {
      if (part.type === "text-delta") text += part.text;
      if (part.type === "logprobs") logprobs.push(...part.logprobs);
      if (part.type === "finish") {
        return {
          text,
          toolCalls: [],
          finishReason: part.finishReason,
          usage: part.usage,
          ...(logprobs.length ? { logprobs } : {}),
          warnings,
        };
      }
    }
    throw this.#error("truncated", "the engine ended without a completion");
  }

  async doStream(options: CallOptions): Promise<StreamResult> {
    const where = { provider: this.provider, model: this.model };
    const warnings: string[] = [];
    if (options.tools?.length) throw this.#error("bad_request", "the local engine does not call tools");
    const { engine, module } = await this.#settings.engine;
    const down = engine.unavailable();
    if (down !== undefined) {
      throw mapEngineError(
        Object.assign(new Error(down), { code: "ENGINE_EXITED" }),
        where,
        this.#settings.redact,
      );
    }
    let generation: EngineRun;
    try {
      const grammar = grammarFor(options, module);
      generation = engine.generateChat({
        messages: options.messages,
        maxTokens: options.maxTokens,
        ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
        ...(options.topP !== undefined ? { topP: options.topP } : {}),
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
        ...(options.stop ? { stop: options.stop } : {}),
        ...(grammar ? { grammar } : {}),
        ...(options.logprobs !== undefined ? { logprobs: options.logprobs } : {}),
        ...(options.priority !== undefined ? { priority: options.priority } : {}),
        signal: options.signal,
      });
      await generation.accepted;
    } catch (error) {
      throw mapEngineError(error, where, this.#settings.redact);
    }
    const wantLogprobs = options.logprobs !== undefined;
    const self = this;
    async function* parts(): AsyncGenerator<ProviderStreamPart> {
      for await (const event of generation) {
        if (event.text) yield { type: "text-delta", text: event.text };
        if (wantLogprobs) yield { type: "logprobs", logprobs: toLogprobs(event) };
      }
      const completion = await generation.done;
      if (completion.finishReason === "abort") throw self.#error("aborted", "the request was aborted");
      if (completion.finishReason === "error") {
        throw mapEngineError(
          Object.assign(new Error(completion.error ?? "engine error"), { code: "NATIVE" }),
          where,
          self.#settings.redact,
        );
      }
      const finishReason: FinishReason = completion.finishReason === "length" ? "length" : "stop";
      yield {
        type: "finish",
        finishReason,
        usage: {
          inputTokens: completion.promptTokens,
          outputTokens: completion.completionTokens,
          cachedInputTokens: completion.cachedPromptTokens,
        },
      };
    }
    return { stream: parts(), warnings };
  }

  #error(kind: ProviderCallError["kind"], message: string): ProviderCallError {
    return new ProviderCallError({
      kind,
      message: `${this.provider}:${this.model} ${message}`,
      provider: this.provider,
      model: this.model,
      retryable: false,
    });
  }
}

function grammarFor(options: CallOptions, module: EngineModule): string | undefined {
  const format = options.responseFormat;
  if (!format || format.type === "text") return undefined;
  const schema: JsonValue = format.type === "json_schema" ? format.schema : { type: "object" };
  return module.jsonSchemaToGrammar(schema as JsonSchemaNode);
}

function toLogprobs(event: EngineEvent): TokenLogprob[] {
  return event.tokens.map((token) => ({
    token: token.text,
    logprob: token.logprob ?? 0,
    topLogprobs: (token.top ?? []).map((alternative) => ({
      token: alternative.text,
      logprob: alternative.logprob,
    })),
  }));
}
