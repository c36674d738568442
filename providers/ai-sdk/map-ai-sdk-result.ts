import type { LanguageModelV3FinishReason, LanguageModelV3Usage, SharedV3Warning } from "@ai-sdk/provider";
import type { FinishReason, Usage } from "../../src/core/index.js";

/** The AI SDK's unified finish reason; v4's `interrupted` has no router counterpart: `other`. */
export function toFinishReason(reason: LanguageModelV3FinishReason | { unified: string }): FinishReason {
  switch (reason.unified) {
    case "stop":
    case "length":
    case "content-filter":
    case "tool-calls":
    case "error":
      return reason.unified;
    default:
      return "other";
  }
}

/** Usage as the provider billed it; undefined when it reported no token counts (the router counts). */
export function toUsage(usage: LanguageModelV3Usage | undefined): Usage | undefined {
  const input = usage?.inputTokens.total;
  const output = usage?.outputTokens.total;
  if (input === undefined || output === undefined) return undefined;
  const cached = usage?.inputTokens.cacheRead;
  const reasoning = usage?.outputTokens.reasoning;
  return {
    inputTokens: input,
    outputTokens: output,
    ...(cached ? { cachedInputTokens: cached } : {}),
    ...(reasoning ? { reasoningTokens: reasoning } : {}),
  };
}

/** An AI SDK warning as one line (the router's warnings are strings). */
export function toWarning(provider: string, warning: SharedV3Warning | { type: string }): string {
  if ("feature" in warning && typeof warning.feature === "string") {
    const details = "details" in warning && typeof warning.details === "string" ? `: ${warning.details}` : "";
    return `${provider}: ${warning.feature} is ${warning.type === "unsupported" ? "not supported" : "only approximated"}${details}`;
  }
  if ("message" in warning && typeof warning.message === "string") return `${provider}: ${warning.message}`;
  return `${provider}: ${warning.type}`;
}
