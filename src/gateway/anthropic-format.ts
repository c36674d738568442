import { randomUUID } from "node:crypto";
import type { ChatResult, FinishReason, StreamPart } from "../core/index.js";
import type { ApiError } from "./api-error.js";

const stopReasons: Record<FinishReason, string> = {
  stop: "end_turn",
  length: "max_tokens",
  "tool-calls": "tool_use",
  "content-filter": "refusal",
  error: "end_turn",
  other: "end_turn",
};

function parsedInput(text: string): unknown {
  try {
    return JSON.parse(text || "{}") as unknown;
  } catch {
    return {};
  }
}

/** A router result as Anthropic's `message` object; `model` is the route the caller named. */
export function anthropicMessage(result: ChatResult, model: string): Record<string, unknown> {
  const content: Record<string, unknown>[] = [];
  // Switchyard has no signature of Anthropic's to give: the block carries an empty one.
  if (result.reasoning) content.push({ type: "thinking", thinking: result.reasoning, signature: "" });
  if (result.text) content.push({ type: "text", text: result.text });
  for (const call of result.message.toolCalls ?? []) {
    content.push({ type: "tool_use", id: call.id, name: call.name, input: parsedInput(call.arguments) });
  }
  return {
    id: `msg_${randomUUID().replaceAll("-", "")}`,
    type: "message",
    role: "assistant",
    model,
    content,
    stop_reason: stopReasons[result.finishReason],
    stop_sequence: null,
    usage: { input_tokens: result.usage.inputTokens, output_tokens: result.usage.outputTokens },
  };
}

const errorTypes: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  415: "invalid_request_error",
  429: "rate_limit_error",
  503: "overloaded_error",
};

/** Anthropic's error body: `{ type: "error", error: { type, message } }`. */
export function anthropicErrorBody(error: ApiError): Record<string, unknown> {
  return {
    type: "error",
    error: { type: errorTypes[error.status] ?? "api_error", message: error.message },
    ...(error.callId ? { call_id: error.callId } : {}),
  };
}

function event(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

/**
 * Stream parts as Anthropic's Messages events: message_start, one content block per text run,
 * reasoning run (a `thinking` block with an empty signature) or tool call (start, deltas, stop),
 * message_delta with the stop reason and usage, message_stop.
 * A failure after the start is an `error` event, as Anthropic's API sends.
 */
export function anthropicEncoder(model: string) {
  const id = `msg_${randomUUID().replaceAll("-", "")}`;
  let started = false;
  let blocks = 0;
  /** The open block: "text", "thinking", or the router's index of the tool call it streams. */
  let open: "text" | "thinking" | number | undefined;
  /** Tool calls streamed in fragments: their complete `tool-call` part adds nothing. */
  const streamed = new Set<number>();
  const start = () => {
    if (started) return "";
    started = true;
    return event("message_start", {
      message: {
        id,
        type: "message",
        role: "assistant",
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 0, output_tokens: 0 },
      },
    });
  };
  const close = () => {
    if (open === undefined) return "";
    open = undefined;
    return event("content_block_stop", { index: blocks - 1 });
  };
  const openBlock = (key: "text" | "thinking" | number, block: Record<string, unknown>) => {
    const out = close() + event("content_block_start", { index: blocks, content_block: block });
    open = key;
    blocks += 1;
    return out;
  };
  return {
    encode(part: StreamPart): string {
      let out = start();
      switch (part.type) {
        case "text-delta":
          if (part.text.length === 0) return out;
          if (open !== "text") out += openBlock("text", { type: "text", text: "" });
          return (
            out +
            event("content_block_delta", {
              index: blocks - 1,
              delta: { type: "text_delta", text: part.text },
            })
          );
        case "reasoning-delta":
          if (part.text.length === 0) return out;
          if (open !== "thinking")
            out += openBlock("thinking", { type: "thinking", thinking: "", signature: "" });
          return (
            out +
            event("content_block_delta", {
              index: blocks - 1,
              delta: { type: "thinking_delta", thinking: part.text },
            })
          );
        case "tool-call-delta":
          streamed.add(part.index);
          if (open !== part.index) {
            out += openBlock(part.index, {
              type: "tool_use",
              id: part.id ?? "",
              name: part.name ?? "",
              input: {},
            });
          }
          if (part.argumentsDelta.length === 0) return out;
          return (
            out +
            event("content_block_delta", {
              index: blocks - 1,
              delta: { type: "input_json_delta", partial_json: part.argumentsDelta },
            })
          );
        case "tool-call":
          if (streamed.has(part.index)) return out;
          out += openBlock(part.index, { type: "tool_use", id: part.id, name: part.name, input: {} });
          out += event("content_block_delta", {
            index: blocks - 1,
            delta: { type: "input_json_delta", partial_json: part.arguments },
          });
          return out + close();
        case "logprobs":
          return out;
        case "finish":
          return (
            out +
            close() +
            event("message_delta", {
              delta: { stop_reason: stopReasons[part.finishReason], stop_sequence: null },
              usage: { input_tokens: part.usage.inputTokens, output_tokens: part.usage.outputTokens },
            }) +
            event("message_stop", {})
          );
        case "error":
          return `event: error\ndata: ${JSON.stringify({
            type: "error",
            error: { type: "api_error", message: part.error.message },
            ...(part.error.callId ? { call_id: part.error.callId } : {}),
          })}\n\n`;
      }
    },
  };
}
