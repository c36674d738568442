import type { FinishReason, ProviderStreamPart, TokenLogprob, ToolCall, Usage } from "../core/index.js";

/** Accumulates one attempt's parts into text, reasoning, tool calls, log-probs, usage and finish reason. */
export class ResponseCollector {
  text = "";
  reasoning = "";
  logprobs: TokenLogprob[] = [];
  usage: Usage | undefined;
  finishReason: FinishReason | undefined;
  requestId: string | undefined;
  /** Parts that reached the caller: after one, the attempt cannot be retried silently. */
  deliveredParts = 0;
  readonly #toolCalls = new Map<number, ToolCall>();

  add(part: ProviderStreamPart): void {
    switch (part.type) {
      case "text-delta":
        this.text += part.text;
        break;
      case "reasoning-delta":
        this.reasoning += part.text;
        break;
      case "tool-call-delta": {
        const call = this.#toolCalls.get(part.index) ?? { id: "", name: "", arguments: "" };
        if (part.id) call.id = part.id;
        if (part.name) call.name = part.name;
        call.arguments += part.argumentsDelta;
        this.#toolCalls.set(part.index, call);
        break;
      }
      case "tool-call":
        this.#toolCalls.set(part.index, { id: part.id, name: part.name, arguments: part.arguments });
        break;
      case "logprobs":
        this.logprobs.push(...part.logprobs);
        break;
      case "finish":
        this.usage = part.usage;
        this.finishReason = part.finishReason;
        this.requestId = part.requestId;
        break;
    }
  }

  get toolCalls(): ToolCall[] {
    return [...this.#toolCalls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
  }

  get hasToolCalls(): boolean {
    return this.#toolCalls.size > 0;
  }
}
