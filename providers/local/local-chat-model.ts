import { randomUUID } from "node:crypto";
import type { EngineEvent, EngineTool, JsonSchemaNode, ParsedOutput } from "../../local-engine/index.js";
import {
  type CallOptions,
  type Capabilities,
  type FinishReason,
  type GenerateResult,
  hasImages,
  type JsonValue,
  type LanguageModel,
  type Message,
  type PromptCountRequest,
  ProviderCallError,
  type ProviderStreamPart,
  type StreamResult,
  type TokenLogprob,
  type ToolCall,
  type ToolDefinition,
} from "../../src/core/index.js";
import type { EngineHandle, EngineRun } from "./engine-handle.js";
import { mapEngineError } from "./map-engine-error.js";

type EngineModule = typeof import("../../local-engine/index.js");

/**
 * Prompts whose texts are longer than this many characters are left to the router's UTF-8 bound
 * instead of counted: no local model's context takes a million characters of prompt, so such a
 * prompt is refused whatever its count, and not handing it over spares copying it to an engine
 * process.
 * @default 1048576
 */
export const countableChars = 1_048_576;

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
    const toolCalls: ToolCall[] = [];
    for await (const part of stream) {
      if (part.type === "text-delta") text += part.text;
      if (part.type === "logprobs") logprobs.push(...part.logprobs);
      if (part.type === "tool-call")
        toolCalls.push({ id: part.id, name: part.name, arguments: part.arguments });
      if (part.type === "finish") {
        return {
          text,
          toolCalls,
          finishReason: part.finishReason,
          usage: part.usage,
          ...(logprobs.length ? { logprobs } : {}),
          warnings,
        };
      }
    }
    throw this.#error("truncated", "the engine ended without a completion");
  }

  /**
   * The prompt's tokens in the GGUF's own vocabulary and chat template, as the engine will feed
   * them (see `countChatPromptTokens`); undefined where the engine cannot count (a custom handle
   * without `countChatPrompt`, an engine down or restarting, tools its template cannot show) or
   * the prompt is longer than `countableChars`.
   */
  async countPromptTokens(request: PromptCountRequest): Promise<number | undefined> {
    const { signal } = request;
    const { engine } = await abortable(this.#settings.engine, signal);
    if (!engine.countChatPrompt || engine.unavailable() !== undefined) return undefined;
    if (promptChars(request.messages) > countableChars) return undefined;
    const tools = request.tools?.length && request.toolChoice !== "none" ? request.tools : undefined;
    if (tools && engine.info.toolCallFormat === undefined) return undefined;
    const engineTools = tools?.map(toEngineTool);
    return engine.countChatPrompt(
      { messages: request.messages, ...(engineTools ? { tools: engineTools } : {}) },
      signal,
    );
  }

  async doStream(options: CallOptions): Promise<StreamResult> {
    const where = { provider: this.provider, model: this.model };
    const warnings: string[] = [];
    const { engine, module } = await this.#settings.engine;
    // toolChoice "none": the model answers in text, so the tools are not shown to it at all.
    const tools = options.tools?.length && options.toolChoice !== "none" ? options.tools : undefined;
    const format = engine.info.toolCallFormat;
    if (tools && format === undefined) {
      throw this.#error("bad_request", "the model's chat template does not support tool calls");
    }
    if (hasImages(options.messages)) {
      throw this.#error("bad_request", "the local engine takes text only, not images");
    }
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
      const engineTools: EngineTool[] | undefined = tools?.map(toEngineTool);
      const grammar =
        engineTools && format && (options.toolChoice === "required" || typeof options.toolChoice === "object")
          ? module.toolCallGrammar(format, engineTools, options.toolChoice)
          : grammarFor(options, module);
      generation = engine.generateChat({
        messages: options.messages,
        ...(engineTools ? { tools: engineTools, renderSpecialTokens: true } : {}),
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
      const accepted = generation;
      options.watchQueue?.(() => accepted.queued);
    } catch (error) {
      throw mapEngineError(error, where, this.#settings.redact);
    }
    const wantLogprobs = options.logprobs !== undefined;
    const self = this;
    const parser = tools && format ? new module.ToolCallParser(format) : undefined;
    let calls = 0;
    /** A call the token limit cut off: reported as a partial call with finish `length`, never as text. */
    let cutCall = false;
    /** Text and tool calls out of the parser; without tools, the text as it comes. */
    function* output(parsed: ParsedOutput) {
      if (parsed.text) yield { type: "text-delta" as const, text: parsed.text };
      if (parsed.partial) cutCall = true;
      for (const call of parsed.partial ? [...parsed.calls, parsed.partial] : parsed.calls) {
        yield {
          type: "tool-call" as const,
          index: calls++,
          id: `call_${randomUUID().replaceAll("-", "").slice(0, 24)}`,
          name: call.name,
          arguments: call.arguments,
        };
      }
    }
    async function* parts(): AsyncGenerator<ProviderStreamPart> {
      for await (const event of generation) {
        if (parser) yield* output(parser.push(event.text));
        else if (event.text) yield { type: "text-delta", text: event.text };
        if (wantLogprobs) yield { type: "logprobs", logprobs: toLogprobs(event) };
      }
      const completion = await generation.done;
      if (parser && completion.finishReason !== "abort" && completion.finishReason !== "error") {
        yield* output(parser.end({ cut: completion.finishReason === "length" }));
      }
      if (completion.finishReason === "abort") throw self.#error("aborted", "the request was aborted");
      if (completion.finishReason === "error") {
        throw mapEngineError(
          Object.assign(new Error(completion.error ?? "engine error"), { code: "NATIVE" }),
          where,
          self.#settings.redact,
        );
      }
      const finishReason: FinishReason =
        cutCall || (calls === 0 && completion.finishReason === "length")
          ? "length"
          : calls > 0
            ? "tool-calls"
            : "stop";
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

function toEngineTool(tool: ToolDefinition): EngineTool {
  return {
    name: tool.name,
    ...(tool.description !== undefined ? { description: tool.description } : {}),
    parameters: tool.parameters as JsonSchemaNode,
  };
}

/** The characters of every text a prompt's messages carry. */
function promptChars(messages: readonly Message[]): number {
  let chars = 0;
  for (const message of messages) {
    chars += message.content.length;
    if (message.role === "assistant") {
      for (const call of message.toolCalls ?? []) chars += call.name.length + call.arguments.length;
    }
  }
  return chars;
}

/** `promise`, or the signal's reason as soon as it aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
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
