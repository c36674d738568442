import pRetry from "p-retry";
import {
  AbortedError,
  AllTargetsFailedError,
  BudgetExceededError,
  type Candidate,
  type ChatRequest,
  type ChatResult,
  DeadlineExceededError,
  InvalidRequestError,
  NoEligibleTargetError,
  type ProviderStreamPart,
  type Route,
} from "../core/index.js";
import { type AttemptDecision, AttemptFailure } from "./attempt-failure.js";
import { CallState } from "./call-state.js";
import { linkSignals } from "./link-signals.js";
import { planRoute } from "./plan-route.js";
import type { RoutingContext } from "./routing-context.js";
import { runTargetAttempt } from "./run-target-attempt.js";
import { sleep } from "./sleep.js";

/** Receives the parts that reach the caller of a stream; resolves when the caller took them. */
export type PartSink = (part: ProviderStreamPart) => Promise<void>;

/** @default 120000 */
const defaultTimeoutMs = 120_000;

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
): Promise<ChatResult> {
  const routeName = request.route ?? context.defaultRoute;
  let route = context.routes.get(routeName);
  if (!route) {
    throw new InvalidRequestError(
      "route",
      `unknown route "${routeName}" (routes: ${[...context.routes.keys()].join(", ")})`,
    );
  }
  const sloTotal = request.slo?.totalMs ?? route.slo?.totalMs;
  const timeoutMs = Math.min(
    request.timeoutMs ?? route.timeoutMs ?? defaultTimeoutMs,
    sloTotal ?? Number.POSITIVE_INFINITY,
  );
  const state = new CallState(context, request, route, timeoutMs);
  const deadline = new AbortController();
  const deadlineTimer = setTimeout(() => deadline.abort(new Error("deadline")), timeoutMs);
  const call = linkSignals([request.signal, deadline.signal]);
  try {
    const visited = new Set<string>();
    let smallestFailedWindow: number | undefined;
    while (route && !visited.has(route.name)) {
      visited.add(route.name);
      const plan = await planOrSkip(context, request, route, streaming, state);
      for (const candidate of plan.candidates) {
        const window = candidate.target.capabilities.contextWindow;
        if (smallestFailedWindow !== undefined && window <= smallestFailedWindow) {
          state.trace.rejected.push({
            target: candidate.target.id,
            policy: "context-length",
            reason: `context window ${window} is not larger than the ${smallestFailedWindow} tokens that overflowed`,
          });
          continue;
        }
        const outcome = await tryCandidate(
          context,
          state,
          route,
          candidate,
          plan.spent,
          streaming,
          sink,
          call.signal,
        );
        if (outcome.type === "success") return outcome.result;
        if (outcome.contextLength) {
          if (smallestFailedWindow !== undefined) throw new AllTargetsFailedError(state.trace, state.errors);
          smallestFailedWindow = window;
        }
      }
      const fallback: string | undefined = route.fallback;
      if (fallback)
        context.emit({
          type: "fallback",
          route: route.name,
          from: route.name,
          reason: `route exhausted, trying ${fallback}`,
        });
      route = fallback ? context.routes.get(fallback) : undefined;
    }
    if (state.trace.attempts.length === 0)
      throw new NoEligibleTargetError(state.trace.route, state.trace.rejected);
    throw new AllTargetsFailedError(state.trace, state.errors);
  } catch (error) {
    if (request.signal?.aborted) {
      throw new AbortedError({
        reason: request.signal.reason,
        partialText: state.continuation,
        usage: state.continuationUsage,
        trace: state.trace,
      });
    }
    if (deadline.signal.aborted) throw new DeadlineExceededError(timeoutMs, state.trace, state.errors.at(-1));
    throw error;
  } finally {
    clearTimeout(deadlineTimer);
    call.dispose();
  }
}

/** A fallback route with no eligible target is skipped; the first route's rejection is the caller's error. */
async function planOrSkip(
  context: RoutingContext,
  request: ChatRequest,
  route: Route,
  streaming: boolean,
  state: CallState,
): Promise<{ candidates: Candidate[]; spent: ReadonlyMap<string, number> }> {
  try {
    const plan = await planRoute(context, request, route, streaming);
    state.trace.rejected.push(...plan.rejected);
    state.trace.ranked.push(...plan.ranked.map((candidate) => candidate.target.id));
    return { candidates: plan.ranked, spent: plan.snapshot.spendUsd };
  } catch (error) {
    if (!NoEligibleTargetError.isInstance(error) || state.trace.route === route.name) throw error;
    state.trace.rejected.push(...error.rejected);
    return { candidates: [], spent: new Map() };
  }
}

type CandidateOutcome = { type: "success"; result: ChatResult } | { type: "next"; contextLength: boolean };

async function tryCandidate(
  context: RoutingContext,
  state: CallState,
  route: Route,
  candidate: Candidate,
  spent: ReadonlyMap<string, number>,
  streaming: boolean,
  sink: PartSink,
  signal: AbortSignal,
): Promise<CandidateOutcome> {
  const target = candidate.target;
  try {
    const result = await pRetry(
      (attemptNumber) => {
        chargeBudgets(context, state, route, candidate, spent);
        return runTargetAttempt({ context, state, route, candidate, streaming, sink, signal, attemptNumber });
      },
      {
        retries: Math.max(0, target.maxAttempts - 1),
        minTimeout: 0,
        maxTimeout: 0,
        signal,
        shouldRetry: async ({ error, attemptNumber }) => {
          const decision = AttemptFailure.decisionOf(error);
          if (decision?.type !== "retry") return false;
          context.retryBudget.onRetry();
          context.emit({
            type: "retry",
            route: route.name,
            target: target.id,
            attempt: attemptNumber + 1,
            delayMs: decision.delayMs,
          });
          await sleep(decision.delayMs, signal);
          return true;
        },
      },
    );
    return { type: "success", result };
  } catch (error) {
    const decision: AttemptDecision | undefined = AttemptFailure.decisionOf(error);
    if (!decision) throw error;
    if (decision.type === "stop") throw decision.error;
    return { type: "next", contextLength: decision.type === "next" && decision.contextLength === true };
  }
}

/** Stops before sending when the next attempt could break the call's or a daily budget; retries count. */
function chargeBudgets(
  context: RoutingContext,
  state: CallState,
  route: Route,
  candidate: Candidate,
  spentToday: ReadonlyMap<string, number>,
): void {
  const estimatedUsd = candidate.estimatedCostUsd;
  const stop = (budget: string, limitUsd: number, spentUsd: number) => {
    throw new AttemptFailure({
      type: "stop",
      error: new BudgetExceededError({ budget, limitUsd, spentUsd, estimatedUsd }),
    });
  };
  const limit = state.request.budget?.maxCostUsd ?? route.budget?.maxCostUsd;
  if (limit !== undefined && state.spentUsd + estimatedUsd > limit) stop("call", limit, state.spentUsd);
  for (const key of context.spendKeys(route, state.request)) {
    const daily = context.dailyLimits.get(key);
    const spentUsd = (spentToday.get(key) ?? 0) + state.spentUsd;
    if (daily !== undefined && spentUsd + estimatedUsd > daily) stop(key, daily, spentUsd);
  }
}
