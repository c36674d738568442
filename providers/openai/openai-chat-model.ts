import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from "openai/resources/chat/completions";
import type { Stream } from "openai/streaming";
import {
  type CallOptions,
  type Capabilities,
  type GenerateResult,
  type LanguageModel,
  type ProviderStreamPart,
  type StreamResult,
  SwitchyardError,
} from "../../src/core/index.js";
import { createProviderCallError, type LinkedSignal, linkSignal } from "../shared/index.js";
import { buildChatRequest, type ChatRequestBody } from "./build-chat-request.js";
import type { ChatModelSettings } from "./chat-model-settings.js";
import { ChatStreamParts } from "./chat-stream-parts.js";
import { mapChatCompletion } from "./map-chat-completion.js";
import { mapOpenAIError } from "./map-openai-error.js";

/**
 * One chat model over the official `openai` SDK, for OpenAI and every OpenAI-compatible host
 * (they differ only in ChatModelSettings). The SDK never retries (`maxRetries: 0`): the router does.
 */
export class OpenAIChatModel implements LanguageModel {
  readonly provider: string;
  readonly model: string;
  readonly capabilities: Partial<Capabilities>;

  constructor(private readonly settings: ChatModelSettings) {
    this.provider = settings.provider;
    this.model = settings.model;
    this.capabilities = settings.capabilities;
  }

  async doGenerate(options: CallOptions): Promise<GenerateResult> {
    const { body, warnings } = buildChatRequest(options, this.settings, "generate");
    const mayHaveBeenSent = !options.signal.aborted;
    const link = linkSignal(options.signal);
    try {
      const { data, response } = await this.settings.client.chat.completions
        .create(toSdkParams({ ...body, stream: false }), { signal: link.signal })
        .withResponse();
      const result = mapChatCompletion(data, {
        settings: this.settings,
        requestId: response.headers.get("x-request-id") ?? undefined,
        warnings,
        topK: options.logprobs,
      });
      return this.settings.redactor.result(result);
    } catch (error) {
      throw await this.toCallError(error, "request", options.signal, mayHaveBeenSent);
    } finally {
      link.dispose();
    }
  }

  async doStream(options: CallOptions): Promise<StreamResult> {
    const { body, warnings } = buildChatRequest(options, this.settings, "stream");
    const mayHaveBeenSent = !options.signal.aborted;
    const link = linkSignal(options.signal);
    try {
      const { data, response } = await this.settings.client.chat.completions
        .create(toSdkParams({ ...body, stream: true }), { signal: link.signal })
        .withResponse();
      const requestId = response.headers.get("x-request-id") ?? undefined;
      return {
        stream: this.settings.redactor.stream(this.readStream(data, requestId, options, link)),
        warnings,
      };
    } catch (error) {
      link.dispose();
      throw await this.toCallError(error, "request", options.signal, mayHaveBeenSent);
    }
  }

  private async *readStream(
    chunks: Stream<ChatCompletionChunk>,
    requestId: string | undefined,
    options: CallOptions,
    link: LinkedSignal,
  ): AsyncGenerator<ProviderStreamPart> {
    const parts = new ChatStreamParts(options.logprobs);
    try {
      for await (const chunk of chunks) yield* parts.accept(chunk);
    } catch (error) {
      throw await this.toCallError(error, "stream", options.signal, true);
    } finally {
      link.dispose();
    }
    // The SDK ends an aborted stream quietly, as if it had completed.
    if (options.signal.aborted) {
      throw await this.toCallError(options.signal.reason, "stream", options.signal, true);
    }
    if (!parts.finished) {
      throw createProviderCallError({
        provider: this.provider,
        model: this.model,
        redact: this.settings.redactor.redact,
        kind: "truncated",
        retryable: true,
        detail: "the stream ended before a chunk with a finish reason",
        requestId,
        possiblyBilled: true,
      });
    }
    yield parts.finish(requestId);
  }

  private async toCallError(
    error: unknown,
    phase: "request" | "stream",
    signal: AbortSignal,
    mayHaveBeenSent: boolean,
  ): Promise<SwitchyardError> {
    if (SwitchyardError.isInstance(error)) return error;
    return mapOpenAIError(error, { settings: this.settings, phase, signal, mayHaveBeenSent });
  }
}

/**
 * The one place the widened body meets the SDK's types: compatible hosts take fields OpenAI's
 * schema lacks (`top_k`, an integer `logprobs`), and the SDK sends the body as given.
 */
function toSdkParams(body: ChatRequestBody & { stream: false }): ChatCompletionCreateParamsNonStreaming;
function toSdkParams(body: ChatRequestBody & { stream: true }): ChatCompletionCreateParamsStreaming;
function toSdkParams(
  body: ChatRequestBody & { stream: boolean },
): ChatCompletionCreateParamsNonStreaming | ChatCompletionCreateParamsStreaming {
  return body as ChatCompletionCreateParamsNonStreaming | ChatCompletionCreateParamsStreaming;
}
