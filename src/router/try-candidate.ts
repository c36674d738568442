import pRetry from "p-retry";
import { BudgetExceededError, type Candidate, type ChatResult, type Route } from "../core/index.js";
import { type AttemptDecision, AttemptFailure } from "./attempt-failure.js";
import type { CallState } from "./call-state.js";
import type { PartSink } from "./execute-call.js";
import type { RoutingContext } from "./routing-context.js";
import { runTargetAttempt } from "./run-target-attempt.js";
import { sleep } from "./sleep.js";

/** What trying one candidate (with its retries) led to, when it did not end the call. */
export type CandidateOutcome =
  | { type: "success"; result: ChatResult }
  | { type: "next"; contextLength: boolean };

export interface CandidateRun {
  context: RoutingContext;
  state: CallState;
  route: Route;
  candidate: Candidate;
  /** Spend today per spend key, from the plan's snapshot. */
  spent: ReadonlyMap<string, number>;
  streaming: boolean;
  sink: PartSink;
  /** The call's signal, or a hedge lane's signal linked to it. */
  signal: AbortSignal;
  /** Called at each attempt's first part; throws when a hedge already won. */
  onFirstPart?: () => void;
}

/**
 * One candidate with its retries (p-retry, the only retry layer). Resolves with a result or
 * "next"; throws the error that ends the call (or the signal's reason when it aborted).
 */
export async function tryCandidate(run: CandidateRun): Promise<CandidateOutcome> {
  const { context, state, route, candidate, signal } = run;
  const target = candidate.target;
  // Held outside p-retry: it re-checks the signal after a success, and a recorded answer stands.
  const answered: { result?: ChatResult } = {};
  try {
    const result = await pRetry(
      async (attemptNumber) => {
        chargeBudgets(context, state, route, candidate, run.spent);
        // Held in the shared store too, so that calls on other replicas cannot pass the same check.
        const releaseHold = await context.holdSpend?.(
          context.spendKeys(route, state.request),
          candidate.estimatedCostUsd,
          state.remainingMs,
        );
        // Reserved while in flight, so a concurrent hedge cannot spend the same budget twice.
        state.reservedUsd += candidate.estimatedCostUsd;
        try {
          answered.result = await runTargetAttempt({ ...run, attemptNumber });
          return answered.result;
        } finally {
          state.reservedUsd -= candidate.estimatedCostUsd;
          await releaseHold?.();
        }
      },
      {
        retries: Math.max(0, target.maxAttempts - 1),
        minTimeout: 0,
        maxTimeout: 0,
        signal,
        shouldRetry: async ({ error, attemptNumber }) => {
          const decision = AttemptFailure.decisionOf(error);
          if (decision?.type !== "retry") return false;
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
    if (answered.result) return { type: "success", result: answered.result };
    const decision: AttemptDecision | undefined = AttemptFailure.decisionOf(error);
    if (!decision) throw error;
    if (decision.type === "stop") throw decision.error;
    return { type: "next", contextLength: decision.type === "next" && decision.contextLength === true };
  }
}

/**
 * Stops before sending when the next attempt could break the call's or a daily budget. Retries
 * count: every earlier attempt's cost is in `spentUsd`, and attempts in flight are reserved.
 */
function chargeBudgets(
  context: RoutingContext,
  state: CallState,
  route: Route,
  candidate: Candidate,
  spentToday: ReadonlyMap<string, number>,
): void {
  const estimatedUsd = candidate.estimatedCostUsd;
  const committedUsd = state.spentUsd + state.reservedUsd;
  const stop = (budget: string, limitUsd: number, spentUsd: number) => {
    throw new AttemptFailure({
      type: "stop",
      error: new BudgetExceededError({ budget, limitUsd, spentUsd, estimatedUsd }),
    });
  };
  const limit = callBudgetUsd(state, route);
  if (limit !== undefined && committedUsd + estimatedUsd > limit) stop("call", limit, committedUsd);
  for (const key of context.spendKeys(route, state.request)) {
    const daily = context.dailyLimits.get(key);
    const spentUsd = (spentToday.get(key) ?? 0) + committedUsd;
    if (daily !== undefined && spentUsd + estimatedUsd > daily) stop(key, daily, spentUsd);
  }
}

/** The per-call limit: the request's, else the route's. */
export function callBudgetUsd(state: CallState, route: Route): number | undefined {
  return state.request.budget?.maxCostUsd ?? route.budget?.maxCostUsd;
}
