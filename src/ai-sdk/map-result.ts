import type { ChatResult, FinishReason, Usage } from "../core/index.js";
import type {
  Usage as AiSdkUsage,
  FinishReasonPart,
  ProviderMetadata,
  ResponseMetadata,
  Warning,
} from "./ai-sdk-spec.js";
import { plainJson } from "./plain-json.js";

/**
 * The router's usage in the AI SDK's shape: cached prompt tokens are `cacheRead`; where the
 * provider reported reasoning tokens, they are `reasoning` and the rest of the output is `text`.
 */
export function toUsage(usage: Usage): AiSdkUsage {
  const cached = usage.cachedInputTokens;
  const reasoning = usage.reasoningTokens;
  return {
    inputTokens: {
      total: usage.inputTokens,
      noCache: cached === undefined ? undefined : usage.inputTokens - cached,
      cacheRead: cached,
      cacheWrite: undefined,
    },
    outputTokens: {
      total: usage.outputTokens,
      text: reasoning === undefined ? undefined : usage.outputTokens - reasoning,
      reasoning,
    },
  };
}

/** The router's finish reasons are the AI SDK's unified ones; `raw` keeps the router's word. */
export function toFinishReason(reason: FinishReason): FinishReasonPart {
  return { unified: reason, raw: reason };
}

/**
 * `providerMetadata.switchyard`: what the router did for the call — its id, the target that
 * answered, the cost of every billed attempt, the router's warnings (a stream has no other place
 * for them) and the whole route trace (as `result.route`). An embedding has no warnings.
 */
export function toProviderMetadata(
  result: Pick<ChatResult, "route" | "costUsd"> & { warnings?: string[] },
): ProviderMetadata {
  return {
    switchyard: plainJson({
      callId: result.route.callId,
      target: result.route.target,
      provider: result.route.provider,
      model: result.route.model,
      costUsd: result.costUsd,
      warnings: result.warnings,
      route: result.route,
    }),
  };
}

/** The router's own warnings (an optional setting a provider ignored) next to the mapping's. */
export function withRouterWarnings(warnings: readonly Warning[], result: ChatResult): Warning[] {
  return [...warnings, ...result.warnings.map((message): Warning => ({ type: "other", message }))];
}

/** Response metadata: the call id as the response id, the model that answered. */
export function toResponseMetadata(result: ChatResult, timestamp: Date): ResponseMetadata {
  return {
    id: result.route.callId,
    timestamp,
    ...(result.route.model === undefined ? {} : { modelId: result.route.model }),
  };
}
