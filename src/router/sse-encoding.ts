import { randomUUID } from "node:crypto";
import type { FinishReason, StreamPart, SwitchyardError, TokenLogprob } from "../core/index.js";

/**
 * How a stream's parts are written as Server-Sent Events:
 *
 * - `switchyard`: one event per part, named after it (`event: text-delta`), its data the part as
 *   JSON; `finish` carries the result with its route trace, `error` the error's `toJSON()`.
 * - `openai`: OpenAI's `chat.completion.chunk` objects, ending with `data: [DONE]`, so a client
 *   written for OpenAI's streaming API reads it unchanged. Reasoning is `delta.reasoning_content`
 *   (as DeepSeek and vLLM send it; OpenAI's own clients ignore the field). An error after the first
 *   chunk is one last `data: {"error": {...}}` event (the shape OpenAI's API sends), with no
 *   `[DONE]`.
 */
export type SseFormat = "switchyard" | "openai";

export interface SseOptions {
  /** @default "switchyard" */
  format?: SseFormat;
  /** OpenAI format: the `model` field of each chunk. @default the model that answered, else the route */
  model?: string;
  /** OpenAI format: a last chunk with `usage` and no choices (`stream_options.include_usage`). @default true */
  includeUsage?: boolean;
  /**
   * OpenAI format: each `logprobs` part as a chunk with an empty delta and `logprobs.content`
   * (what a request with `logprobs: true` receives). @default false (log-probs parts are left out)
   */
  logprobs?: boolean;
}

/** Turns parts into SSE frames, one encoder per stream (the OpenAI format keeps a little state). */
export interface SseEncoder {
  encode(part: StreamPart): string;
}

export function sseEncoder(options: SseOptions = {}): SseEncoder {
  return (options.format ?? "switchyard") === "openai" ? openaiEncoder(options) : switchyardEncoder();
}

function switchyardEncoder(): SseEncoder {
  return {
    encode(part) {
      if (part.type === "error")
        return frame(JSON.stringify({ type: "error", error: errorJson(part.error) }), "error");
      return frame(JSON.stringify(part), part.type);
    },
  };
}

/** Switchyard's finish reasons as OpenAI names them. */
export const openaiFinish: Record<FinishReason, string> = {
  stop: "stop",
  length: "length",
  "tool-calls": "tool_calls",
  "content-filter": "content_filter",
  error: "stop",
  other: "stop",
};

function openaiEncoder(options: SseOptions): SseEncoder {
  const created = Math.floor(Date.now() / 1000);
  const id = `chatcmpl-${randomUUID().replaceAll("-", "")}`;
  let roleSent = false;
  /** Tool calls whose fragments were streamed: their complete `tool-call` part adds nothing. */
  const streamedCalls = new Set<number>();
  const chunk = (
    delta: Record<string, unknown>,
    finishReason: string | null = null,
    model?: string,
    logprobs: Record<string, unknown> | null = null,
  ) => {
    const role = roleSent ? {} : { role: "assistant" };
    roleSent = true;
    return frame(
      JSON.stringify({
        id,
        object: "chat.completion.chunk",
        created,
        model: options.model ?? model ?? "switchyard",
        choices: [{ index: 0, delta: { ...role, ...delta }, logprobs, finish_reason: finishReason }],
      }),
    );
  };
  return {
    encode(part) {
      switch (part.type) {
        case "text-delta":
          return chunk({ content: part.text });
        case "reasoning-delta":
          return chunk({ reasoning_content: part.text });
        case "tool-call-delta":
          streamedCalls.add(part.index);
          return chunk({
            tool_calls: [
              {
                index: part.index,
                ...(part.id ? { id: part.id, type: "function" } : {}),
                function: { ...(part.name ? { name: part.name } : {}), arguments: part.argumentsDelta },
              },
            ],
          });
        case "tool-call":
          if (streamedCalls.has(part.index)) return "";
          return chunk({
            tool_calls: [
              {
                index: part.index,
                id: part.id,
                type: "function",
                function: { name: part.name, arguments: part.arguments },
              },
            ],
          });
        case "logprobs":
          if (!options.logprobs) return "";
          return chunk({}, null, undefined, { content: openaiLogprobs(part.logprobs), refusal: null });
        case "finish": {
          const { result } = part;
          const model = result.route.model ?? result.route.route;
          let out = chunk({}, openaiFinish[part.finishReason], model);
          if (options.includeUsage !== false) {
            out += frame(
              JSON.stringify({
                id,
                object: "chat.completion.chunk",
                created,
                model: options.model ?? model,
                choices: [],
                usage: {
                  prompt_tokens: part.usage.inputTokens,
                  completion_tokens: part.usage.outputTokens,
                  total_tokens: part.usage.inputTokens + part.usage.outputTokens,
                  ...(part.usage.reasoningTokens === undefined
                    ? {}
                    : { completion_tokens_details: { reasoning_tokens: part.usage.reasoningTokens } }),
                },
              }),
            );
          }
          return `${out}data: [DONE]\n\n`;
        }
        case "error":
          return frame(
            JSON.stringify({
              error: {
                message: part.error.message,
                type: part.error.name,
                code: (part.error as { kind?: string }).kind ?? null,
                ...(part.error.callId ? { call_id: part.error.callId } : {}),
              },
            }),
          );
      }
    },
  };
}

const utf8 = new TextEncoder();

/** OpenAI's `logprobs.content` entries, each token with its UTF-8 bytes. */
export function openaiLogprobs(logprobs: readonly TokenLogprob[]): Record<string, unknown>[] {
  return logprobs.map((entry) => ({
    token: entry.token,
    logprob: entry.logprob,
    bytes: [...utf8.encode(entry.token)],
    top_logprobs: entry.topLogprobs.map((top) => ({
      token: top.token,
      logprob: top.logprob,
      bytes: [...utf8.encode(top.token)],
    })),
  }));
}

function errorJson(error: SwitchyardError): Record<string, unknown> {
  return typeof error.toJSON === "function"
    ? error.toJSON()
    : { name: "SwitchyardError", message: String(error) };
}

/** One SSE event; `data` is one line of JSON, which never holds a raw newline. */
function frame(data: string, event?: string): string {
  return `${event ? `event: ${event}\n` : ""}data: ${data}\n\n`;
}
