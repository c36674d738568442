import {
  type CallLimits,
  type Candidate,
  type ChatRequest,
  InvalidRequestError,
  type LoadMetrics,
  NoEligibleTargetError,
  type PausedTarget,
  type PolicyInput,
  type RejectedCandidate,
  type RequestEstimate,
  type Route,
  type StateSnapshot,
  type TargetLoad,
  type TargetOverrides,
} from "../core/index.js";
import { balanceReplicas } from "./balance-replicas.js";
import { keptByOverrides } from "./check-target-overrides.js";
import { deferPaused } from "./defer-paused.js";
import { effectiveLimits } from "./effective-limits.js";
import type { RoutingContext } from "./routing-context.js";

export interface RoutePlan {
  ranked: Candidate[];
  rejected: RejectedCandidate[];
  estimate: RequestEstimate;
  snapshot: StateSnapshot;
  /** Paused or over-limit targets moved behind those that can answer now (see `deferPaused`). */
  paused: PausedTarget[];
  /** The limits the filters applied (and the attempts run under). */
  limits: CallLimits;
}

export interface PlanOptions {
  /** Called with the first-ranked target in the same tick as the ranking, so calls planned together see each other. */
  claim?: (target: string) => void;
  /** The call's limits on this route. @default effectiveLimits(request, route) */
  limits?: CallLimits;
  /** The call's signal (deadline and caller's abort): counting a huge prompt stops with it. */
  signal?: AbortSignal;
  /** The caller's narrowing of this route's targets. @default request.targets */
  overrides?: TargetOverrides;
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
  options: PlanOptions = {},
): Promise<RoutePlan> {
  const limits = options.limits ?? effectiveLimits(context, request, route);
  const targets = route.targets.map((id) => {
    const target = context.targets.get(id);
    if (!target) throw new InvalidRequestError("route", `route "${route.name}" names unknown target "${id}"`);
    return target;
  });
  await context.countPrompt(request, options.signal, targets);
  const estimate = context.estimate(request);
  // Each target's cost bound counts the prompt as that target bills it (see TokenizerFamily).
  let candidates: Candidate[] = targets.map((target) => ({
    target,
    estimatedCostUsd: context.estimateCostUsd(
      target.price,
      context.billablePromptTokens(request, target),
      estimate.maxOutputTokens,
    ),
  }));
  const budgeted = new Set<string>();
  for (const budgets of limits.dailyBudgets.values()) for (const { key } of budgets) budgeted.add(key);
  const stored = await context.store.snapshot(route.targets, [...budgeted]);
  const queueWaitMs = new Map(stored.queueWaitMs);
  for (const id of route.targets) {
    const waits = [
      context.gate(id)?.expectedWaitMs(),
      engineWaitMs(context.load(id), estimate.maxOutputTokens),
      pauseWaitMs(stored, id),
    ];
    for (const wait of waits) {
      if (wait !== undefined) queueWaitMs.set(id, Math.max(wait, queueWaitMs.get(id) ?? 0));
    }
  }
  const snapshot: StateSnapshot = {
    ...stored,
    queueWaitMs,
    load: targetLoads(context, route),
    ...(usesPrefixAffinity(context, route)
      ? { prefixChars: context.affinity.match(request, route.targets) }
      : {}),
  };
  const rejected: RejectedCandidate[] = [];
  const overrides = options.overrides ?? request.targets;
  candidates = candidates.filter((candidate) => {
    const id = candidate.target.id;
    if (keptByOverrides(overrides, id)) return true;
    const key = overrides?.ignore?.includes(id) ? "ignore" : "only";
    rejected.push({
      target: id,
      policy: "request-targets",
      reason: `excluded by the request's targets.${key}`,
    });
    return false;
  });
  const input = (): PolicyInput => ({ request, route, estimate, candidates, snapshot, streaming, limits });
  for (const policy of context.filters) {
    const rejections = policy.filter(input());
    if (rejections.length === 0) continue;
    const removed = new Set(rejections.map((rejection) => rejection.target));
    candidates = candidates.filter((candidate) => !removed.has(candidate.target.id));
    for (const rejection of rejections) rejected.push({ ...rejection, policy: policy.name });
  }
  if (candidates.length === 0) {
    throwWhenPromptFitsNowhere(context, route, estimate);
    throw new NoEligibleTargetError(route.name, rejected);
  }
  const balanced = inRequestedOrder(
    balanceReplicas(context.strategy(route.strategy).rank(input()), snapshot),
    overrides?.order,
  );
  const { ranked, paused } = deferPaused(context, balanced, snapshot);
  const first = ranked[0];
  if (first) options.claim?.(first.target.id);
  return { ranked, rejected, estimate, snapshot, paused, limits };
}

/** A 429 pause in the store is a wait like the limiter's: the rate-limit policy weighs it too. */
function pauseWaitMs(snapshot: StateSnapshot, target: string): number | undefined {
  const until = snapshot.pausedUntil?.get(target);
  return until === undefined ? undefined : Math.max(0, until - snapshot.now);
}

/** The caller's `order` first (those still eligible), then the rest as the strategy ranked them. */
function inRequestedOrder(ranked: Candidate[], order: readonly string[] | undefined): Candidate[] {
  if (!order || order.length === 0) return ranked;
  const first: Candidate[] = [];
  for (const id of order) {
    const candidate = ranked.find((entry) => entry.target.id === id);
    if (candidate) first.push(candidate);
  }
  return [...first, ...ranked.filter((candidate) => !first.includes(candidate))];
}

function targetLoads(context: RoutingContext, route: Route): Map<string, TargetLoad> {
  const loads = new Map<string, TargetLoad>();
  for (const id of route.targets) {
    const engine = context.load(id);
    const capacity = engine?.slots || context.targets.get(id)?.limits.maxConcurrent;
    loads.set(id, {
      inFlight: context.occupancy.count(id),
      ...(engine ? { engineBusy: engine.busySlots + engine.queueDepth } : {}),
      ...(capacity ? { capacity } : {}),
    });
  }
  return loads;
}

/** Prompt prefixes are hashed only where they can matter: replicas of one model, or least-loaded. */
function usesPrefixAffinity(context: RoutingContext, route: Route): boolean {
  return (
    route.strategy === "least-loaded" ||
    route.targets.some((id) => context.targets.get(id)?.group !== undefined)
  );
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

/**
 * A busy local engine makes a new request wait for a slot: the requests ahead of it, a slot's
 * worth at a time, each decoding about `maxOutputTokens` at one slot's share of the engine's rate.
 * The latency and rate-limit policies read this, so routing sees the engine's real load.
 */
export function engineWaitMs(load: LoadMetrics | undefined, maxOutputTokens: number): number | undefined {
  if (!load || load.slots === 0 || load.busySlots < load.slots) return undefined;
  const perSlotTokensPerSec = (load.decodeTokensPerSec ?? 0) / Math.max(1, load.busySlots);
  if (perSlotTokensPerSec <= 0) return undefined;
  const rounds = Math.ceil((load.queueDepth + 1) / load.slots);
  return (rounds * maxOutputTokens * 1000) / perSlotTokensPerSec;
}
