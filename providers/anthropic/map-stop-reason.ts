import type { FinishReason } from "../../src/core/index.js";

/**
 * Anthropic `stop_reason` → normalized finish reason. `pause_turn` (a server tool paused a long
 * turn) and anything unknown read as "other"; a stop for a full context window reads as "length".
 */
export function mapStopReason(stopReason: string | null | undefined): FinishReason {
  switch (stopReason) {
    case "end_turn":
    case "stop_sequence":
      return "stop";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool-calls";
    case "refusal":
      return "content-filter";
    default:
      return "other";
  }
}
