import type {
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  SharedV3ProviderOptions,
} from "@ai-sdk/provider";
import type {
  CallOptions,
  Capabilities,
  GenerateResult,
  LanguageModel,
  ProviderStreamPart,
  StreamResult,
  ToolCall,
} from "../../src/core/index.js";
import { createProviderCallError, type ResponseRedactor } from "../shared/index.js";
import { fromAiSdkStream, MissingFinishError, StreamErrorPart } from "./ai-sdk-stream-parts.js";
import type { AiSdkLanguageModel as WrappedModel } from "./ai-sdk-types.js";
import { mapAiSdkError } from "./map-ai-sdk-error.js";
import { toFinishReason, toUsage, toWarning } from "./map-ai-sdk-result.js";
import { parseAiSdkProviderOptions } from "./parse-provider-options.js";
import { toAiSdkCallOptions } from "./to-ai-sdk-call-options.js";

export interface AiSdkModelSettings {
  provider: string;
  model: string;
  wrapped: WrappedModel;
  redactor: ResponseRedactor;
  capabilities: Partial<Capabilities>;
}

/**
 * A model of an AI SDK provider package as a router target. Its `doGenerate`/`doStream` run once:
 * the router owns retries, so the package's own (none: its models never retry; only `ai`'s
 * functions do) stay out of it.
 */
export class AiSdkLanguageModel implements LanguageModel {
  readonly provider: string;
  readonly model: string;
  readonly capabilities: Partial<Capabilities>;
  readonly #wrapped: WrappedModel;
  readonly #redactor: ResponseRedactor;

  constructor(settings: AiSdkModelSettings) {
    this.provider = settings.provider;
    this.model = settings.model;
    this.capabilities = settings.capabilities;
    this.#wrapped = settings.wrapped;
    this.#redactor = settings.redactor;
  }

  async doGenerate(options: CallOptions): Promise<GenerateResult> {
    const call = this.#callOptions(options);
    const mayHaveBeenSent = !options.signal.aborted;
    let result: LanguageModelV3GenerateResult;
    try {
      // v4 models take the same options for text, tools and text tool results, and answer text and
      // tool calls in the same shape (they differ in files, which the router neither sends nor reads).
      result = (await this.#wrapped.doGenerate(call as never)) as LanguageModelV3GenerateResult;
    } catch (error) {
      throw this.#error(error, options.signal, mayHaveBeenSent, false);
    }
    let text = "";
    let reasoning = "";
    const toolCalls: ToolCall[] = [];
    for (const part of result.content) {
      if (part.type === "text") text += part.text;
      if (part.type === "reasoning") reasoning += part.text;
      if (part.type === "tool-call" && !part.providerExecuted) {
        toolCalls.push({ id: part.toolCallId, name: part.toolName, arguments: part.input });
      }
    }
    const usage = toUsage(result.usage);
    const requestId = result.response?.id;
    return this.#redactor.result({
      text,
      ...(reasoning ? { reasoning } : {}),
      toolCalls,
      finishReason: toFinishReason(result.finishReason),
      ...(usage ? { usage } : {}),
      ...(requestId ? { requestId } : {}),
      warnings: result.warnings.map((warning) => toWarning(this.provider, warning)),
    });
  }

  async doStream(options: CallOptions): Promise<StreamResult> {
    const call = this.#callOptions(options);
    const mayHaveBeenSent = !options.signal.aborted;
    let stream: ReadableStream<LanguageModelV3StreamPart>;
    try {
      ({ stream } = (await this.#wrapped.doStream(call as never)) as {
        stream: ReadableStream<LanguageModelV3StreamPart>;
      });
    } catch (error) {
      throw this.#error(error, options.signal, mayHaveBeenSent, false);
    }
    // The first part is `stream-start` with the call's warnings: read it before answering.
    const reader = stream.getReader();
    const first = await reader.read().catch((error: unknown) => {
      throw this.#error(error, options.signal, mayHaveBeenSent, false);
    });
    reader.releaseLock();
    const warnings =
      !first.done && first.value.type === "stream-start"
        ? first.value.warnings.map((warning) => toWarning(this.provider, warning))
        : [];
    const rest = first.done || first.value.type === "stream-start" ? stream : prepend(first.value, stream);
    return { stream: this.#redactor.stream(this.#guard(rest, options.signal, mayHaveBeenSent)), warnings };
  }

  async *#guard(
    stream: ReadableStream<LanguageModelV3StreamPart>,
    signal: AbortSignal,
    mayHaveBeenSent: boolean,
  ): AsyncGenerator<ProviderStreamPart> {
    let answerStarted = false;
    try {
      yield* fromAiSdkStream(stream, () => {
        answerStarted = true;
      });
    } catch (error) {
      if (error instanceof MissingFinishError && !signal.aborted) {
        throw createProviderCallError({
          provider: this.provider,
          model: this.model,
          kind: "truncated",
          retryable: true,
          detail: error.message,
          possiblyBilled: true,
          redact: this.#redactor.redact,
        });
      }
      const cause = error instanceof StreamErrorPart ? error.error : error;
      throw this.#error(cause, signal, mayHaveBeenSent, answerStarted || error instanceof StreamErrorPart);
    }
  }

  #callOptions(options: CallOptions) {
    const providerOptions: SharedV3ProviderOptions | undefined = parseAiSdkProviderOptions(
      options.providerOptions,
      this.provider,
    );
    return toAiSdkCallOptions(options, providerOptions);
  }

  #error(error: unknown, signal: AbortSignal, mayHaveBeenSent: boolean, answerStarted: boolean) {
    return mapAiSdkError(error, {
      provider: this.provider,
      model: this.model,
      signal,
      mayHaveBeenSent,
      answerStarted,
      redact: this.#redactor.redact,
    });
  }
}

/** `first` followed by the rest of `stream`. */
function prepend<T>(first: T, stream: ReadableStream<T>): ReadableStream<T> {
  const reader = stream.getReader();
  let sent = false;
  return new ReadableStream<T>({
    async pull(controller) {
      if (!sent) {
        sent = true;
        controller.enqueue(first);
        return;
      }
      const next = await reader.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}
