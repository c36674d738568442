import type { Capabilities, Filter, RequestEstimate } from "../../src/core/index.js";
import { type RequestNeeds, requestNeeds } from "./request-needs.js";

/** Every need the target fails, in words; empty when it serves them all. */
export function unmetNeeds(
  capabilities: Capabilities,
  needs: RequestNeeds,
  estimate: RequestEstimate,
): string[] {
  const reasons: string[] = [];
  if (needs.logprobsTopK !== undefined && capabilities.logprobs < needs.logprobsTopK) {
    reasons.push(
      capabilities.logprobs === 0
        ? "returns no log-probs"
        : `returns at most ${capabilities.logprobs} log-prob alternatives, ${needs.logprobsTopK} requested`,
    );
  }
  if (needs.tools && !capabilities.tools) reasons.push("does not support tools");
  if (needs.jsonSchema && !capabilities.jsonSchema) reasons.push("does not support JSON-schema output");
  if (needs.streaming && !capabilities.streaming) reasons.push("does not stream");
  if (needs.vision && !capabilities.vision) reasons.push("does not take images");
  const { largestImageBytes } = needs;
  const { maxImageBytes } = capabilities;
  if (
    capabilities.vision &&
    largestImageBytes !== undefined &&
    maxImageBytes !== undefined &&
    largestImageBytes > maxImageBytes
  ) {
    reasons.push(`takes images of at most ${maxImageBytes} bytes, one here has ${largestImageBytes} bytes`);
  }
  const needed = estimate.promptTokens + estimate.maxOutputTokens;
  if (needed > capabilities.contextWindow) {
    reasons.push(
      `context window of ${capabilities.contextWindow} tokens cannot hold ${estimate.promptTokens} prompt + ${estimate.maxOutputTokens} output tokens`,
    );
  }
  if (
    needs.maxOutputTokens !== undefined &&
    capabilities.maxOutputTokens !== undefined &&
    capabilities.maxOutputTokens < needs.maxOutputTokens
  ) {
    reasons.push(
      `generates at most ${capabilities.maxOutputTokens} tokens, ${needs.maxOutputTokens} requested`,
    );
  }
  return reasons;
}

/**
 * Removes targets that cannot serve a need of the request (log-probs, tools, JSON schema,
 * streaming, images, context window, output length). A need is never dropped silently: each removed
 * target carries every reason it failed.
 */
export const capabilitiesPolicy: Filter = {
  kind: "filter",
  name: "capabilities",
  filter({ request, estimate, candidates, streaming }) {
    const needs = requestNeeds(request, { streaming });
    return candidates.flatMap(({ target }) => {
      const reasons = unmetNeeds(target.capabilities, needs, estimate);
      return reasons.length === 0 ? [] : [{ target: target.id, reason: reasons.join("; ") }];
    });
  },
};
