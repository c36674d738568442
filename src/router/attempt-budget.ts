import { BudgetExceededError, type Candidate, type Route } from "../core/index.js";
import { tokenizerFamily } from "../estimate/index.js";
import type { CallState } from "./call-state.js";
import type { RoutingContext } from "./routing-context.js";

/** A hold outlives its call's deadline by this much, so it never lapses while the call runs. */
const holdMarginMs = 60_000;
/** Longest a hold can last, whatever the deadline says. */
const longestHoldMs = 86_400_000;

/** What an assistant message adds to a prompt around its text: 3 framing tokens and its role. */
const assistantMessageTokens = 4;
/** The same where the tokenizer is unknown: the per-message allowance and the role's bytes. */
const boundedAssistantMessageTokens = 8 + "assistant".length;

function assistantMessageFraming(target: Candidate["target"]): number {
  return tokenizerFamily(target) === "utf8-bound" ? boundedAssistantMessageTokens : assistantMessageTokens;
}

/**
 * An upper bound on what one attempt on `candidate` can cost: the prompt as counted plus
 * `maxTokens` of output; an attempt that continues an interrupted answer also sends the text so
 * far as an assistant message, counted on its own so the prompt is not counted again.
 */
export async function attemptEstimateUsd(
  context: RoutingContext,
  state: CallState,
  candidate: Candidate,
): Promise<number> {
  if (!state.continuation) return candidate.estimatedCostUsd;
  const { target } = candidate;
  const estimate = context.estimate(state.request, target);
  const continuedTokens =
    assistantMessageFraming(target) + (await context.countBillableTokens(state.continuation, target));
  return context.estimateCostUsd(
    target.price,
    context.billablePromptTokens(state.request, target) + continuedTokens,
    estimate.maxOutputTokens,
  );
}

/**
 * Takes an attempt's estimate out of every budget it counts towards before it is sent: the
 * call's cap (in `state.reservedUsd`, at once, so a concurrent hedge lane cannot pass the same
 * check) and every daily budget (held in the state store, atomically with every other call and
 * replica). Resolves with the function that gives both back once the attempt's real cost is
 * recorded; rejects with `BudgetExceededError` naming the budget it would break, holding nothing.
 */
export async function reserveAttempt(
  context: RoutingContext,
  state: CallState,
  route: Route,
  candidate: Candidate,
  estimatedUsd: number,
): Promise<() => Promise<void>> {
  const committedUsd = state.spentUsd + state.reservedUsd;
  const limitUsd = state.limits.maxCostUsd;
  if (limitUsd !== undefined && committedUsd + estimatedUsd > limitUsd) {
    throw new BudgetExceededError({ budget: "call", limitUsd, spentUsd: committedUsd, estimatedUsd });
  }
  state.reservedUsd += estimatedUsd;
  const unreserve = () => {
    state.reservedUsd -= estimatedUsd;
  };
  try {
    const limits =
      state.limits.dailyBudgets.get(candidate.target.id) ??
      context.dailyBudgets(route, state.request, candidate.target);
    const ttlMs = Math.min(Math.max(0, state.remainingMs) + holdMarginMs, longestHoldMs);
    const held = await context.store.holdSpend(limits, estimatedUsd, ttlMs);
    if (!held.ok) {
      throw new BudgetExceededError({
        budget: held.key,
        limitUsd: held.limitUsd,
        spentUsd: held.spentUsd,
        estimatedUsd,
      });
    }
    return async () => {
      unreserve();
      await held.release();
    };
  } catch (error) {
    unreserve();
    throw error;
  }
}
