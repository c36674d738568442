import type { Capabilities } from "../../src/core/index.js";
import { configError, type DroppableParam, droppableParams, isDroppableParam } from "../openai/index.js";

/** Validates `dropParams` from the policy: each entry must name a parameter the adapter sends. */
export function resolveDropParams(
  providerId: string,
  entries: readonly unknown[] | undefined,
): DroppableParam[] {
  if (entries === undefined) return [];
  if (!Array.isArray(entries))
    throw configError(providerId, "dropParams", "expected a list of parameter names");
  return entries.map((entry, index) => {
    if (typeof entry === "string" && isDroppableParam(entry)) return entry;
    throw configError(
      providerId,
      `dropParams[${index}]`,
      `unknown parameter ${JSON.stringify(entry)}; known: ${droppableParams.join(", ")}`,
    );
  });
}

/** Capabilities after drops: a dropped need is a capability the target does not have. */
export function narrowCapabilities(
  capabilities: Partial<Capabilities>,
  dropped: ReadonlySet<DroppableParam>,
): Partial<Capabilities> {
  return {
    ...capabilities,
    ...(dropped.has("logprobs") || dropped.has("top_logprobs") ? { logprobs: 0 } : {}),
    ...(dropped.has("tools") ? { tools: false } : {}),
    ...(dropped.has("response_format") ? { jsonSchema: false } : {}),
  };
}
