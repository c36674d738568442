import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import type { FinishReason, ProviderStreamPart, ToolCallPart, Usage } from "../../src/core/index.js";
import { mapFinishReason } from "./map-finish-reason.js";
import { mapLogprobs } from "./map-logprobs.js";
import { reasoningOf } from "./map-reasoning.js";
import { usageOf } from "./map-usage.js";

interface PendingToolCall {
  id: string;
  name: string;
  arguments: string;
}

/**
 * Turns chat-completion chunks into stream parts, one chunk at a time. It remembers what the
 * finish part needs: the finish reason (the terminal signal of a chat stream), usage (in its own
 * chunk with `choices: []` after the finish reason), and tool calls assembled from their deltas.
 */
export class ChatStreamParts {
  private readonly toolCalls = new Map<number, PendingToolCall>();
  private finishReason: FinishReason | undefined;
  private usage: Usage | undefined;
  private refused = false;

  /** @param topK requested alternatives per token; extra ones a host returns are trimmed. */
  constructor(private readonly topK: number | undefined) {}

  /** True once a chunk carried a finish reason. */
  get finished(): boolean {
    return this.finishReason !== undefined;
  }

  *accept(chunk: ChatCompletionChunk): Generator<ProviderStreamPart> {
    this.usage = usageOf(chunk) ?? this.usage;
    const choice = chunk.choices?.[0];
    if (!choice) return;
    const delta = choice.delta ?? {};
    const reasoning = reasoningOf(delta);
    if (reasoning) yield { type: "reasoning-delta", text: reasoning };
    const text = (delta.content ?? "") + (delta.refusal ?? "");
    if (delta.refusal) this.refused = true;
    if (text) yield { type: "text-delta", text };

    // Only when asked: some hosts send log-probs unrequested, and they cost the caller memory.
    const topK = this.topK;
    const logprobs = topK === undefined ? undefined : mapLogprobs(choice, delta.content ?? undefined);
    if (topK !== undefined && logprobs && logprobs.length > 0) {
      yield {
        type: "logprobs",
        logprobs: logprobs.map((entry) => ({ ...entry, topLogprobs: entry.topLogprobs.slice(0, topK) })),
      };
    }

    for (const toolDelta of delta.tool_calls ?? []) yield* this.acceptToolDelta(toolDelta);

    if (choice.finish_reason) {
      yield* this.flushToolCalls();
      this.finishReason = this.refused ? "content-filter" : mapFinishReason(choice.finish_reason);
    }
  }

  /** The finish part; call only when `finished`. */
  finish(requestId: string | undefined): ProviderStreamPart {
    return {
      type: "finish",
      finishReason: this.finishReason ?? "other",
      ...(this.usage === undefined ? {} : { usage: this.usage }),
      ...(requestId === undefined ? {} : { requestId }),
    };
  }

  private *acceptToolDelta(
    toolDelta: ChatCompletionChunk.Choice.Delta.ToolCall,
  ): Generator<ProviderStreamPart> {
    const index = toolDelta.index;
    let pending = this.toolCalls.get(index);
    if (!pending) {
      // Calls stream one after another: a new index means every earlier call is complete.
      yield* this.flushToolCalls((earlier) => earlier < index);
      pending = { id: toolDelta.id ?? `call_${index}`, name: toolDelta.function?.name ?? "", arguments: "" };
      this.toolCalls.set(index, pending);
      yield {
        type: "tool-call-delta",
        index,
        id: pending.id,
        name: pending.name,
        argumentsDelta: toolDelta.function?.arguments ?? "",
      };
      pending.arguments += toolDelta.function?.arguments ?? "";
      return;
    }
    const argumentsDelta = toolDelta.function?.arguments ?? "";
    pending.arguments += argumentsDelta;
    if (argumentsDelta) yield { type: "tool-call-delta", index, argumentsDelta };
  }

  private *flushToolCalls(which: (index: number) => boolean = () => true): Generator<ToolCallPart> {
    const ready = [...this.toolCalls.entries()].filter(([index]) => which(index)).sort(([a], [b]) => a - b);
    for (const [index, call] of ready) {
      this.toolCalls.delete(index);
      yield { type: "tool-call", index, id: call.id, name: call.name, arguments: call.arguments };
    }
  }
}
