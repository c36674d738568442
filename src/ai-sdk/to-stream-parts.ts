import type { StreamPart } from "../core/index.js";
import type { StreamPart as Part, Warning } from "./ai-sdk-spec.js";
import { toFinishReason, toProviderMetadata, toResponseMetadata, toUsage } from "./map-result.js";

/**
 * Turns the router's stream parts into the AI SDK's, one router part at a time: text in one text
 * block, reasoning in a reasoning block that a part of any other kind closes (reasoning after it
 * opens the next one, `reasoning-1`, …), tool calls as `tool-input-*` then `tool-call`, log-probs left out (the AI SDK has no part
 * for them), then response metadata and `finish` with usage and `providerMetadata.switchyard`.
 * The router's `error` part is not handled here (see `toAiSdkError`).
 */
export class StreamPartMapper {
  readonly #textId = "text-0";
  #textOpen = false;
  /** Reasoning blocks opened so far; the last one is open while `#reasoningOpen`. */
  #reasoningBlocks = 0;
  #reasoningOpen = false;
  /** The `tool-input-*` id of each tool call by its index, once its input started. */
  readonly #toolInputs = new Map<number, string>();

  constructor(readonly warnings: Warning[]) {}

  start(): Part {
    return { type: "stream-start", warnings: this.warnings };
  }

  map(part: Exclude<StreamPart, { type: "error" }>): Part[] {
    if (part.type === "reasoning-delta") return this.#reasoning(part.text);
    const parts = this.#closeReasoning();
    parts.push(...this.#answer(part));
    return parts;
  }

  #reasoning(delta: string): Part[] {
    const parts: Part[] = [];
    const id = `reasoning-${this.#reasoningOpen ? this.#reasoningBlocks - 1 : this.#reasoningBlocks}`;
    if (!this.#reasoningOpen) {
      this.#reasoningOpen = true;
      this.#reasoningBlocks += 1;
      parts.push({ type: "reasoning-start", id });
    }
    parts.push({ type: "reasoning-delta", id, delta });
    return parts;
  }

  #closeReasoning(): Part[] {
    if (!this.#reasoningOpen) return [];
    this.#reasoningOpen = false;
    return [{ type: "reasoning-end", id: `reasoning-${this.#reasoningBlocks - 1}` }];
  }

  #answer(part: Exclude<StreamPart, { type: "error" | "reasoning-delta" }>): Part[] {
    switch (part.type) {
      case "text-delta": {
        const parts: Part[] = [];
        if (!this.#textOpen) {
          this.#textOpen = true;
          parts.push({ type: "text-start", id: this.#textId });
        }
        parts.push({ type: "text-delta", id: this.#textId, delta: part.text });
        return parts;
      }
      case "tool-call-delta": {
        const parts: Part[] = [];
        let id = this.#toolInputs.get(part.index);
        if (id === undefined) {
          id = part.id ?? `tool-input-${part.index}`;
          this.#toolInputs.set(part.index, id);
          parts.push({ type: "tool-input-start", id, toolName: part.name ?? "" });
        }
        if (part.argumentsDelta) parts.push({ type: "tool-input-delta", id, delta: part.argumentsDelta });
        return parts;
      }
      case "tool-call": {
        const parts: Part[] = [];
        const id = this.#toolInputs.get(part.index);
        if (id !== undefined) parts.push({ type: "tool-input-end", id });
        parts.push({ type: "tool-call", toolCallId: part.id, toolName: part.name, input: part.arguments });
        return parts;
      }
      case "logprobs":
        return [];
      case "finish": {
        const parts: Part[] = [];
        if (this.#textOpen) parts.push({ type: "text-end", id: this.#textId });
        parts.push({ type: "response-metadata", ...toResponseMetadata(part.result, new Date()) });
        parts.push({
          type: "finish",
          usage: toUsage(part.usage),
          finishReason: toFinishReason(part.finishReason),
          providerMetadata: toProviderMetadata(part.result),
        });
        return parts;
      }
    }
  }
}
