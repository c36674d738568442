import type { JsonSchema } from "./json-schema.js";
import type { Message } from "./messages.js";
import type { ResponseFormat, ToolChoice, ToolDefinition } from "./request.js";

/** The normalized request an adapter receives for one attempt. */
export interface CallOptions {
  messages: Message[];
  maxTokens: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  seed?: number;
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  responseFormat?: ResponseFormat;
  /** Requested top-k alternatives per token; absent when log-probs were not asked for. */
  logprobs?: number;
  /** Aborts this attempt: the caller's signal, the call deadline and the per-try timeout combined. */
  signal: AbortSignal;
  /** This adapter's entry of `providerOptions`, unvalidated; the adapter validates it. */
  providerOptions?: Record<string, unknown>;
  /** Priority for queues that honour it (the local engine). Higher runs first. @default 0 */
  priority?: number;
  /**
   * For adapters whose provider holds requests in a queue of its own (the local engine): called once
   * the request is accepted, with a probe that says whether it still waits there for a slot. A
   * first-token timeout while it waits means the target is busy (QueueFullError), not failing.
   */
  watchQueue?: (queued: () => boolean) => void;
}

export type { JsonSchema };
