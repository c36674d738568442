import type { FinishReason } from "../../src/core/index.js";

/** Chat-completions finish reasons → normalized ones; `function_call` is the legacy tool call. */
export function mapFinishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case "stop":
      return "stop";
    case "length":
      return "length";
    case "tool_calls":
    case "function_call":
      return "tool-calls";
    case "content_filter":
      return "content-filter";
    default:
      return "other";
  }
}
