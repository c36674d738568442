import {
  AbortedError,
  AllTargetsFailedError,
  BudgetExceededError,
  type CallLimits,
  type Candidate,
  type ChatRequest,
  type ChatResult,
  DeadlineExceededError,
  type FallbackRecord,
  InvalidRequestError,
  NoEligibleTargetError,
  ProviderCallError,
  QueueFullError,
  type Route,
  type RouteSelection,
  type StateSnapshot,
  type SwitchyardError,
  type TargetOverrides,
} from "../core/index.js";
import type { CallObserver } from "./call-observer.js";
import { CallState } from "./call-state.js";
import { effectiveLimits } from "./effective-limits.js";
import { type HedgeLane, planHedge, raceWithHedge } from "./hedge-race.js";
import { type LinkedSignal, linkSignals } from "./link-signals.js";
import type { PartSink } from "./part-sink.js";
import { planRoute } from "./plan-route.js";
import type { RoutingContext } from "./routing-context.js";
import { type CandidateOutcome, tryCandidate } from "./try-candidate.js";
import { resolveRoute } from "./validate-request.js";

/**
 * One call through the pipeline: plan the route, then walk its ranked candidates — each with
 * its own retries (p-retry, one layer) — then the route's fallback routes, all under one
 * deadline. Ends in exactly one result or one typed error.
 */
export async function executeCall(
  context: RoutingContext,
  request: ChatRequest,
  streaming: boolean,
  sink: PartSink,
  call: {
    callId: string;
    observer: CallObserver;
    selection?: RouteSelection;
    /** The link `request.signal` comes from, when the caller owns one: the deadline aborts it too. */
    link?: LinkedSignal;
  },
): Promise<ChatResult> {
  let route: Route | undefined = resolveRoute(context, request.route);
  const state = new CallState(
    context,
    request,
    route,
    effectiveLimits(context, request, route),
    call.observer,
    call.callId,
  );
  if (call.selection) state.trace.selection = call.selection;
  const { timeoutMs } = state.limits;
  // One controller for the caller's signal and the deadline: the router's own link for the call
  // when it passed one (no AbortSignal is made here then), else one linked to the request's.
  const shared = call.link !== undefined && call.link.signal === request.signal;
  const linked = shared && call.link ? call.link : linkSignals([request.signal]);
  // `allowFallbacks: false`: the first-ranked target (and its retries) is the whole chain.
  const allowFallbacks = request.targets?.allowFallbacks !== false;
  /** Set only when the deadline is what aborted the call (not the caller, nor `close` before it). */
  let deadlinePassed = false;
  const deadlineTimer = setTimeout(() => {
    if (linked.signal.aborted) return;
    deadlinePassed = true;
    linked.abort(new Error("deadline"));
  }, timeoutMs);
  try {
    const visited = new Set<string>();
    let smallestFailedWindow: number | undefined;
    const fits = (candidate: Candidate) =>
      smallestFailedWindow === undefined ||
      candidate.target.capabilities.contextWindow > smallestFailedWindow;
    /** Walks one route's ranked candidates; resolves with the answer, or undefined when none gave one. */
    const walk = async (
      current: Route,
      plan: PlannedCandidates,
      /** A fallback route is still to come: a rate-limited target is not waited on. */
      fallbackAhead: boolean,
    ): Promise<ChatResult | undefined> => {
      const hedged = new Set<Candidate>();
      const busy = (candidate: Candidate) =>
        plan.waiting.has(candidate.target.id) ||
        (state.pausedUntil.get(candidate.target.id) ?? 0) > Date.now();
      for (const [index, candidate] of plan.candidates.entries()) {
        if (hedged.has(candidate)) continue;
        const window = candidate.target.capabilities.contextWindow;
        if (!fits(candidate)) {
          state.trace.rejected.push({
            target: candidate.target.id,
            policy: "context-length",
            reason: `context window ${window} is not larger than the ${smallestFailedWindow} tokens that overflowed`,
          });
          continue;
        }
        const later = plan.candidates.slice(index + 1).filter(fits);
        const canFailOver = () => fallbackAhead || later.some((other) => !busy(other));
        const run = (next: Candidate, lane?: HedgeLane) =>
          tryCandidate({
            canFailOver,
            context,
            state,
            route: current,
            candidate: next,
            streaming,
            sink: lane?.sink ?? sink,
            signal: lane?.signal ?? linked.signal,
            ...(lane ? { onFirstPart: lane.onFirstPart } : {}),
            ...(lane && next !== candidate ? { hedge: true } : {}),
          });
        // A hedge is for a slow target, not a paused one: it never goes to one that would wait.
        const hedge = allowFallbacks
          ? planHedge(
              current,
              state,
              candidate,
              later.filter((other) => !busy(other)),
              plan.snapshot,
            )
          : undefined;
        let outcome: CandidateOutcome;
        if (hedge) {
          const raced = await raceWithHedge({
            context,
            state,
            route: current,
            primary: candidate,
            hedge,
            sink,
            run,
            signal: linked.signal,
          });
          if (raced.hedged) hedged.add(hedge.candidate);
          outcome = raced.outcome;
        } else {
          outcome = await run(candidate);
        }
        if (outcome.type === "success") return outcome.result;
        if (!allowFallbacks) throw chainError(state);
        if (outcome.contextLength) {
          // A larger window gets one chance; a second overflow means the prompt is the problem.
          if (smallestFailedWindow !== undefined) throw chainError(state);
          smallestFailedWindow = window;
        }
      }
      return undefined;
    };
    /** Routes whose every target was paused while a fallback route remained: waited on last. */
    const postponed: { route: Route; plan: PlannedCandidates; limits: CallLimits }[] = [];
    while (route && !visited.has(route.name)) {
      const current: Route = route;
      if (visited.size > 0) state.limits = effectiveLimits(context, request, current, state.limits);
      visited.add(current.name);
      // On a fallback route only `ignore` still binds: its other targets were never the caller's to narrow.
      const overrides = visited.size === 1 ? request.targets : { ignore: request.targets?.ignore ?? [] };
      const plan = await planOrSkip(context, request, current, streaming, state, linked.signal, {
        overrides,
        allowFallbacks,
      });
      const fallback: Route | undefined =
        allowFallbacks && current.fallback ? context.routes.get(current.fallback) : undefined;
      const allPaused =
        plan.candidates.length > 0 &&
        plan.candidates.every((candidate) => plan.waiting.has(candidate.target.id));
      let why: FallbackRecord["reason"] = plan.candidates.length === 0 ? "no-eligible-target" : "exhausted";
      if (allPaused && fallback && !visited.has(fallback.name)) {
        postponed.push({ route: current, plan, limits: state.limits });
        why = "all-paused";
      } else {
        const result = await walk(current, plan, fallback !== undefined && !visited.has(fallback.name));
        if (result) return result;
      }
      if (fallback) {
        state.trace.fallbacks ??= [];
        state.trace.fallbacks.push({ from: current.name, to: fallback.name, reason: why });
        state.observer.event({
          type: "fallback",
          route: current.name,
          from: current.name,
          to: fallback.name,
          reason: `${fallbackReasons[why]}, trying ${fallback.name}`,
        });
      }
      route = fallback;
    }
    for (const waiting of postponed) {
      state.limits = waiting.limits;
      for (const paused of waiting.plan.candidates) {
        const entry = state.trace.paused?.find((known) => known.target === paused.target.id);
        if (entry) entry.action = "waited";
      }
      const result = await walk(waiting.route, { ...waiting.plan, waiting: new Set() }, false);
      if (result) return result;
    }
    throw chainError(state);
  } catch (error) {
    if (deadlinePassed) throw new DeadlineExceededError(timeoutMs, state.trace, state.errors.at(-1));
    if (request.signal?.aborted) {
      throw new AbortedError({
        reason: request.signal.reason,
        partialText: state.continuation,
        usage: state.continuationUsage,
        trace: state.trace,
      });
    }
    throw error;
  } finally {
    clearTimeout(deadlineTimer);
    // The router disposes its own link once the call has ended.
    if (!shared) linked.dispose();
    state.releaseHold();
  }
}

const fallbackReasons: Record<FallbackRecord["reason"], string> = {
  "no-eligible-target": "no target of the route is eligible",
  "all-paused": "every target of the route is paused",
  exhausted: "route exhausted",
};

/**
 * The error that ends an exhausted chain: a budget kept an attempt from being sent (or, with no
 * attempt made, rejected a target that would otherwise have served); every target that could serve
 * was busy (its queue full, or the request timed out waiting in it: QueueFullError, so the caller
 * can tell load from a broken route); no target was eligible; or
 * every failure was a context overflow (the request is too long, not the providers down),
 * reported as that provider error with the trace; or AllTargetsFailedError listing every attempt.
 */
function chainError(state: CallState): SwitchyardError {
  if (state.budgetRefusal) {
    state.budgetRefusal.trace = state.trace;
    return state.budgetRefusal;
  }
  if (state.trace.attempts.length === 0) {
    if (state.promptTooLong) return state.promptTooLong;
    const breach = state.trace.rejected.find((rejection) => rejection.budget)?.budget;
    if (breach) return new BudgetExceededError({ ...breach, trace: state.trace });
    const busy = state.errors.findLast((error): error is QueueFullError => QueueFullError.isInstance(error));
    if (busy) {
      busy.trace = state.trace;
      return busy;
    }
    return new NoEligibleTargetError(state.trace.route, state.trace.rejected);
  }
  const last = state.errors.at(-1);
  const overflowOnly = state.errors.every(
    (error) => ProviderCallError.isInstance(error) && error.kind === "context_length",
  );
  if (last && overflowOnly && ProviderCallError.isInstance(last)) {
    last.trace = state.trace;
    return last;
  }
  return new AllTargetsFailedError(state.trace, state.errors);
}

interface PlannedCandidates {
  candidates: Candidate[];
  snapshot: StateSnapshot;
  /** Targets paused or over their limits when the route was planned. */
  waiting: ReadonlySet<string>;
}

/**
 * A route with no eligible target hands the call to its fallback route, whatever rejected the
 * targets (a spent budget, a missing capability, open breakers, pauses, privacy), and a fallback
 * route with none is skipped; the rejections stay in the trace. Without a fallback route, the first
 * route's rejection is the caller's error. A prompt too long for every target of a route with a
 * fallback route is the caller's error only if no later route fits it either.
 */
async function planOrSkip(
  context: RoutingContext,
  request: ChatRequest,
  route: Route,
  streaming: boolean,
  state: CallState,
  signal: AbortSignal,
  chain: { overrides: TargetOverrides | undefined; allowFallbacks: boolean },
): Promise<PlannedCandidates> {
  const fallback = chain.allowFallbacks ? route.fallback : undefined;
  try {
    const plan = await planRoute(context, request, route, streaming, {
      claim: (target) => state.hold(target),
      limits: state.limits,
      signal,
      ...(chain.overrides ? { overrides: chain.overrides } : {}),
    });
    state.trace.rejected.push(...plan.rejected);
    state.trace.ranked.push(...plan.ranked.map((candidate) => candidate.target.id));
    for (const [target, until] of plan.snapshot.pausedUntil ?? []) state.pausedUntil.set(target, until);
    for (const paused of plan.paused) state.notePaused(paused);
    const waiting = new Set(plan.paused.map((paused) => paused.target));
    return { candidates: plan.ranked, snapshot: plan.snapshot, waiting };
  } catch (error) {
    const tooLong = InvalidRequestError.isInstance(error) && error.field === "messages";
    if (tooLong && (fallback || state.promptTooLong)) {
      state.promptTooLong ??= error;
      for (const target of route.targets) {
        state.trace.rejected.push({ target, policy: "capabilities", reason: error.message });
      }
    } else if (NoEligibleTargetError.isInstance(error)) {
      state.trace.rejected.push(...error.rejected);
      if (state.trace.route === route.name && !fallback) throw chainError(state);
    } else {
      throw error;
    }
    const snapshot: StateSnapshot = {
      now: Date.now(),
      latency: new Map(),
      health: new Map(),
      spendUsd: new Map(),
      queueWaitMs: new Map(),
    };
    return { candidates: [], snapshot, waiting: new Set() };
  }
}
