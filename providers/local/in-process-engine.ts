import type { EmbedOutput, EngineCompletion, EngineMetrics, LocalEngine } from "../../local-engine/index.js";
import { chatPromptTokens } from "./chat-prompt-tokens.js";
import { countChatPromptTokens } from "./count-chat-prompt-tokens.js";
import type { ChatCountRequest, ChatGenerateRequest, EngineHandle, EngineRun } from "./engine-handle.js";

/** A `LocalEngine` in this process, behind the same handle as one in a child process. */
export class InProcessEngine implements EngineHandle {
  constructor(readonly engine: LocalEngine) {}

  get info() {
    return this.engine.info;
  }

  generateChat(request: ChatGenerateRequest): EngineRun {
    const { messages, tools, ...rest } = request;
    try {
      const generation = this.engine.generate({
        ...rest,
        prompt: chatPromptTokens(this.engine, messages, tools),
      });
      return {
        accepted: Promise.resolve(),
        done: generation.done,
        get queued() {
          return generation.queued;
        },
        [Symbol.asyncIterator]: () => generation[Symbol.asyncIterator](),
      };
    } catch (error) {
      return refusedRun(error);
    }
  }

  countChatPrompt(request: ChatCountRequest, signal?: AbortSignal): Promise<number> {
    return countChatPromptTokens(this.engine, request.messages, request.tools, {
      ...(signal ? { signal } : {}),
      exactTokens: this.engine.info.contextPerSlot,
    });
  }

  embed(values: readonly string[], signal?: AbortSignal): Promise<EmbedOutput> {
    return this.engine.embed(values, signal ? { signal } : {});
  }

  metrics(): EngineMetrics {
    return this.engine.metrics();
  }

  unavailable(): string | undefined {
    return undefined;
  }

  close(): Promise<void> {
    return this.engine.close();
  }
}

/** A run the engine refused before it started: `accepted` rejects with why. */
export function refusedRun(error: unknown): EngineRun {
  const accepted = Promise.reject(error);
  accepted.catch(() => {});
  const done: Promise<EngineCompletion> = Promise.resolve({
    text: "",
    finishReason: "error",
    error: error instanceof Error ? error.message : String(error),
    promptTokens: 0,
    completionTokens: 0,
    cachedPromptTokens: 0,
    timings: { queuedMs: 0, ttftMs: 0, prefillTokensPerSec: 0, decodeTokensPerSec: 0 },
  });
  return {
    accepted,
    done,
    queued: false,
    async *[Symbol.asyncIterator]() {},
  };
}
