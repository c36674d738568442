import type { RawMessageStreamEvent } from "@anthropic-ai/sdk/resources/messages";
import type { ProviderStreamPart } from "../../src/core/index.js";
import { createProviderCallError } from "../shared/index.js";
import type { AnthropicRequest } from "./build-anthropic-request.js";
import { type AnthropicErrorContext, mapAnthropicError } from "./map-anthropic-error.js";
import { type AnthropicWireUsage, mapAnthropicUsage, mergeAnthropicUsage } from "./map-anthropic-usage.js";
import { mapStopReason } from "./map-stop-reason.js";

type BlockState =
  | { kind: "text" }
  /** Extended thinking: `thinking_delta`s are reasoning; the closing `signature_delta` is not kept. */
  | { kind: "thinking" }
  | { kind: "tool"; ordinal: number; id: string; name: string; arguments: string }
  /** The forced JSON tool: its input streams out as the answer's text. */
  | { kind: "json" }
  | { kind: "skipped" };

export interface AnthropicStreamContext {
  request: AnthropicRequest;
  requestId: string | undefined;
  errors: Omit<AnthropicErrorContext, "streaming">;
}

/**
 * Raw Messages API stream events → stream parts. The SDK drops `ping` and throws `error` events
 * as APIError; unknown event and block types are skipped, and so are `redacted_thinking` blocks
 * (encrypted, nothing to read). Only `message_stop` ends the stream
 * successfully: the body ending before it is a truncation, never a success.
 */
export async function* anthropicStreamParts(
  events: AsyncIterable<RawMessageStreamEvent>,
  context: AnthropicStreamContext,
): AsyncGenerator<ProviderStreamPart> {
  const { request, requestId } = context;
  const blocks = new Map<number, BlockState>();
  let usage: AnthropicWireUsage = {};
  let stopReason: string | null = null;
  let toolCount = 0;
  let answeredThroughJsonTool = false;
  let finished = false;
  try {
    for await (const event of events) {
      // Read to the end of the body after message_stop, so the connection is released normally
      // rather than cancelled mid-body.
      if (finished) continue;
      switch (event.type) {
        case "message_start":
          usage = mergeAnthropicUsage(usage, event.message.usage);
          break;
        case "content_block_start": {
          const block = event.content_block;
          if (block.type === "text") {
            blocks.set(event.index, { kind: "text" });
            if (block.text) yield { type: "text-delta", text: block.text };
          } else if (block.type === "thinking") {
            blocks.set(event.index, { kind: "thinking" });
            if (block.thinking) yield { type: "reasoning-delta", text: block.thinking };
          } else if (block.type === "tool_use" && block.name === request.jsonToolName) {
            blocks.set(event.index, { kind: "json" });
            answeredThroughJsonTool = true;
          } else if (block.type === "tool_use") {
            const state = {
              kind: "tool",
              ordinal: toolCount++,
              id: block.id,
              name: block.name,
              arguments: "",
            } as const;
            blocks.set(event.index, { ...state });
            yield {
              type: "tool-call-delta",
              index: state.ordinal,
              id: block.id,
              name: block.name,
              argumentsDelta: "",
            };
          } else {
            blocks.set(event.index, { kind: "skipped" });
          }
          break;
        }
        case "content_block_delta": {
          const block = blocks.get(event.index);
          const delta = event.delta;
          if (delta.type === "text_delta" && block?.kind !== "skipped") {
            yield { type: "text-delta", text: delta.text };
          } else if (delta.type === "thinking_delta" && block?.kind === "thinking") {
            yield { type: "reasoning-delta", text: delta.thinking };
          } else if (delta.type === "input_json_delta" && block?.kind === "json") {
            yield { type: "text-delta", text: delta.partial_json };
          } else if (delta.type === "input_json_delta" && block?.kind === "tool") {
            block.arguments += delta.partial_json;
            yield { type: "tool-call-delta", index: block.ordinal, argumentsDelta: delta.partial_json };
          }
          break;
        }
        case "content_block_stop": {
          const block = blocks.get(event.index);
          if (block?.kind === "tool") {
            const { ordinal: index, id, name } = block;
            yield { type: "tool-call", index, id, name, arguments: block.arguments || "{}" };
          }
          break;
        }
        case "message_delta":
          stopReason = event.delta.stop_reason ?? stopReason;
          usage = mergeAnthropicUsage(usage, event.usage);
          break;
        case "message_stop":
          yield {
            type: "finish",
            finishReason:
              answeredThroughJsonTool && stopReason === "tool_use" ? "stop" : mapStopReason(stopReason),
            usage: mapAnthropicUsage(usage),
            ...(requestId ? { requestId } : {}),
          };
          finished = true;
          break;
      }
    }
  } catch (error) {
    // Once message_stop arrived the answer is complete; a failure while draining changes nothing.
    if (finished) return;
    throw mapAnthropicError(error, { ...context.errors, streaming: true });
  }
  if (finished) return;
  const { provider, model, redact, signal } = context.errors;
  // The SDK ends its iteration quietly when the signal aborts, so an early end may be an abort.
  throw signal.aborted
    ? createProviderCallError({
        provider,
        model,
        redact,
        kind: "aborted",
        retryable: false,
        possiblyBilled: true,
        detail: "the call was aborted while streaming",
        ...(requestId ? { requestId } : {}),
      })
    : createProviderCallError({
        provider,
        model,
        redact,
        kind: "truncated",
        retryable: true,
        possiblyBilled: true,
        detail: "the stream ended before message_stop",
        ...(requestId ? { requestId } : {}),
      });
}
