import { BudgetExceededError, type StateStore } from "../../core/index.js";
import type { DailyLimit, SpendHolds } from "./spend-holds.js";

/** A hold outlives its call's deadline by this much, so it never lapses while the call runs. */
const holdMarginMs = 60_000;
/** Longest a hold can last, whatever the deadline says. */
const longestHoldMs = 86_400_000;

/**
 * Holds an attempt's estimated cost against the daily limits of its spend keys; throws
 * `BudgetExceededError` naming the limit it would break. Resolves with the function that gives
 * the hold back. Keys without a daily limit are not held.
 */
export async function holdDailySpend(
  store: StateStore & SpendHolds,
  spendKeys: readonly string[],
  dailyLimits: ReadonlyMap<string, number>,
  usd: number,
  remainingMs: number,
): Promise<() => Promise<void>> {
  const limits: DailyLimit[] = [];
  for (const key of new Set(spendKeys)) {
    const limitUsd = dailyLimits.get(key);
    if (limitUsd !== undefined) limits.push({ key, limitUsd });
  }
  const ttlMs = Math.min(Math.max(0, remainingMs) + holdMarginMs, longestHoldMs);
  const held = await store.holdSpend(limits, usd, Number.isFinite(ttlMs) ? ttlMs : longestHoldMs);
  if (!held.ok) {
    throw new BudgetExceededError({
      budget: held.key,
      limitUsd: held.limitUsd,
      spentUsd: held.spentUsd,
      estimatedUsd: usd,
    });
  }
  return held.release;
}
