import type {
  EmbedOutput,
  EngineCompletion,
  EngineEvent,
  EngineInfo,
  EngineMetrics,
  EngineTool,
  GenerateRequest,
} from "../../local-engine/index.js";
import type { Message } from "../../src/core/index.js";

/** A generation request in chat form: the engine renders and tokenizes the messages itself. */
export interface ChatGenerateRequest extends Omit<GenerateRequest, "prompt"> {
  messages: readonly Message[];
  /** Tools the chat template lists for the model (the template must support them). */
  tools?: readonly EngineTool[];
}

/** One request's output, as `Generation` gives it: iterate the steps once; `done` always settles. */
export interface EngineRun extends AsyncIterable<EngineEvent> {
  /**
   * Settles once the engine accepted or refused the request. Rejects with what
   * `LocalEngine.generate` would have thrown (`QueueFullError`, `EngineError` with its code), so a
   * refusal in another process reads the same as one in this process.
   */
  readonly accepted: Promise<void>;
  /** Resolves with finishReason "abort" or "error" rather than rejecting. */
  readonly done: Promise<EngineCompletion>;
  /** True while the request waits in the engine's queue for a slot. */
  readonly queued: boolean;
}

/**
 * What the local provider needs from an engine, whether it runs in this process (`LocalEngine`) or
 * in a child process of its own (`isolation: process`), where a crash or an out-of-memory abort in
 * llama.cpp ends that child and not the application.
 */
/** The prompt part of a chat request, for `EngineHandle.countChatPrompt`. */
export type ChatCountRequest = Pick<ChatGenerateRequest, "messages" | "tools">;

export interface EngineHandle {
  readonly info: EngineInfo;
  generateChat(request: ChatGenerateRequest): EngineRun;
  /**
   * At most how many prompt tokens `generateChat` would feed the model for these messages, counted
   * with the model's own vocabulary and chat template without holding the event loop more than a
   * few milliseconds; rejects with the signal's reason when it aborts. Without it, the router
   * bounds the prompt by its UTF-8 length.
   */
  countChatPrompt?(request: ChatCountRequest, signal?: AbortSignal): Promise<number>;
  /**
   * One unit vector per text from the engine's embedding context (`info.embeddings` says whether
   * there is one); rejects with an EngineError (CONTEXT_LENGTH, NOT_EMBEDDING, ABORTED, …) or
   * QueueFullError. An engine handle of your own may leave it out (the provider then answers
   * embeddings with a bad_request).
   */
  embed?(values: readonly string[], signal?: AbortSignal): Promise<EmbedOutput>;
  /** The latest figures; for a child process, as of its last report (at most ~100 ms old). */
  metrics(): EngineMetrics;
  /** Why the engine cannot serve right now (its process exited and is restarting), or undefined. */
  unavailable(): string | undefined;
  close(): Promise<void>;
}
