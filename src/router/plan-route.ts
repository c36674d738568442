import {
  type Candidate,
  type ChatRequest,
  InvalidRequestError,
  NoEligibleTargetError,
  type PolicyInput,
  type RejectedCandidate,
  type RequestEstimate,
  type Route,
  type StateSnapshot,
} from "../core/index.js";
import type { RoutingContext } from "./routing-context.js";

export interface RoutePlan {
  ranked: Candidate[];
  rejected: RejectedCandidate[];
  estimate: RequestEstimate;
  snapshot: StateSnapshot;
}

/**
 * The routing pipeline before any call: the route's candidates, then each filter in order
 * (every rejection keeps its policy and reason), then the route's strategy ranks what is left.
 */
export async function planRoute(
  context: RoutingContext,
  request: ChatRequest,
  route: Route,
  streaming: boolean,
): Promise<RoutePlan> {
  const estimate = context.estimate(request);
  let candidates: Candidate[] = route.targets.map((id) => {
    const target = context.targets.get(id);
    if (!target) throw new InvalidRequestError("route", `route "${route.name}" names unknown target "${id}"`);
    return {
      target,
      estimatedCostUsd: context.estimateCostUsd(
        target.price,
        estimate.promptTokens,
        estimate.maxOutputTokens,
      ),
    };
  });
  const stored = await context.store.snapshot(route.targets, context.spendKeys(route, request));
  const queueWaitMs = new Map(stored.queueWaitMs);
  for (const id of route.targets) {
    const wait = context.gate(id)?.expectedWaitMs();
    if (wait !== undefined) queueWaitMs.set(id, Math.max(wait, queueWaitMs.get(id) ?? 0));
  }
  const snapshot: StateSnapshot = { ...stored, queueWaitMs };
  const rejected: RejectedCandidate[] = [];
  const input = (): PolicyInput => ({ request, route, estimate, candidates, snapshot, streaming });
  for (const policy of context.filters) {
    const rejections = policy.filter?.(input()) ?? [];
    if (rejections.length === 0) continue;
    const removed = new Set(rejections.map((rejection) => rejection.target));
    candidates = candidates.filter((candidate) => !removed.has(candidate.target.id));
    for (const rejection of rejections) rejected.push({ ...rejection, policy: policy.name });
  }
  if (candidates.length === 0) {
    throwWhenPromptFitsNowhere(context, route, estimate);
    throw new NoEligibleTargetError(route.name, rejected);
  }
  const ranked = context.strategy(route.strategy).rank?.(input()) ?? candidates;
  return { ranked, rejected, estimate, snapshot };
}

/** A prompt longer than every target's context window is the caller's mistake, not an outage. */
function throwWhenPromptFitsNowhere(context: RoutingContext, route: Route, estimate: RequestEstimate): void {
  const windows = route.targets.map((id) => context.targets.get(id)?.capabilities.contextWindow ?? 0);
  const largest = Math.max(...windows);
  if (estimate.promptTokens + estimate.maxOutputTokens > largest) {
    throw new InvalidRequestError(
      "messages",
      `the prompt (${estimate.promptTokens} tokens) plus maxTokens (${estimate.maxOutputTokens}) exceeds the largest context window of route "${route.name}" (${largest} tokens)`,
    );
  }
}
