import type { StreamPart as RouterStreamPart } from "../core/index.js";
import type { Router } from "../router/router.js";
import type {
  AnyCallOptions,
  Content,
  GenerateResult,
  SpecificationVersion,
  StreamPart,
  StreamResult,
  Warning,
} from "./ai-sdk-spec.js";
import {
  toFinishReason,
  toProviderMetadata,
  toResponseMetadata,
  toUsage,
  withRouterWarnings,
} from "./map-result.js";
import { toAiSdkError } from "./to-ai-sdk-error.js";
import { toChatRequest } from "./to-chat-request.js";
import { StreamPartMapper } from "./to-stream-parts.js";

/**
 * One route of a router as an AI SDK language model: the AI SDK calls `doGenerate`/`doStream`,
 * the router picks the target, retries and falls back. The model id is the route's name.
 */
export class SwitchyardLanguageModel<Version extends SpecificationVersion> {
  readonly specificationVersion: Version;
  readonly provider = "switchyard";
  readonly modelId: string;
  /**
   * Image URLs go to the router as they are (the target's provider fetches them, as for any image
   * part); the AI SDK downloads every other URL a prompt links to.
   */
  readonly supportedUrls: Record<string, RegExp[]> = { "image/*": [/^https?:\/\//i] };
  readonly #router: Router;

  constructor(router: Router, route: string, specificationVersion: Version) {
    this.#router = router;
    this.modelId = route;
    this.specificationVersion = specificationVersion;
  }

  async doGenerate(options: AnyCallOptions): Promise<GenerateResult> {
    const warnings: Warning[] = [];
    try {
      const request = await toChatRequest(this.modelId, options, warnings);
      const result = await this.#router.chat(request);
      const content: Content[] = [];
      if (result.reasoning) content.push({ type: "reasoning", text: result.reasoning });
      if (result.text) content.push({ type: "text", text: result.text });
      for (const call of result.message.toolCalls ?? []) {
        content.push({ type: "tool-call", toolCallId: call.id, toolName: call.name, input: call.arguments });
      }
      return {
        content,
        finishReason: toFinishReason(result.finishReason),
        usage: toUsage(result.usage),
        providerMetadata: toProviderMetadata(result),
        response: toResponseMetadata(result, new Date()),
        warnings: withRouterWarnings(warnings, result),
      };
    } catch (error) {
      throw await toAiSdkError(error, { route: this.modelId, abortSignal: options.abortSignal });
    }
  }

  /**
   * Resolves once the first part arrived: a call that fails before any output rejects here, as a
   * failed HTTP request would; one that fails later ends the stream with an `error` part. Cancelling
   * the stream cancels the call upstream.
   */
  async doStream(options: AnyCallOptions): Promise<StreamResult> {
    const warnings: Warning[] = [];
    const context = { route: this.modelId, abortSignal: options.abortSignal };
    let chat: ReturnType<Router["stream"]>;
    let first: IteratorResult<RouterStreamPart>;
    let parts: AsyncIterator<RouterStreamPart>;
    try {
      chat = this.#router.stream(await toChatRequest(this.modelId, options, warnings));
      parts = chat[Symbol.asyncIterator]();
      first = await parts.next();
    } catch (error) {
      throw await toAiSdkError(error, context);
    }
    if (!first.done && first.value.type === "error") throw await toAiSdkError(first.value.error, context);
    const mapper = new StreamPartMapper(warnings);
    let pending: IteratorResult<RouterStreamPart> | undefined = first;
    const stream = new ReadableStream<StreamPart>({
      start(controller) {
        controller.enqueue(mapper.start());
      },
      async pull(controller) {
        const next = pending ?? (await parts.next());
        pending = undefined;
        if (next.done) {
          controller.close();
          return;
        }
        if (next.value.type === "error") {
          controller.enqueue({ type: "error", error: await toAiSdkError(next.value.error, context) });
          controller.close();
          return;
        }
        for (const part of mapper.map(next.value)) controller.enqueue(part);
      },
      async cancel(reason) {
        chat.cancel(reason);
        await parts.return?.();
      },
    });
    return { stream };
  }
}
