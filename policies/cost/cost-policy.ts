import { formatUsd } from "../../src/core/errors/format-usd.js";
import type { BudgetBreach, Filter } from "../../src/core/index.js";

/** `route "chat"` for the spend key "route:chat", `target "small"` for "target:small". */
function budgetLabel(key: string): string {
  const colon = key.indexOf(":");
  return colon < 0 ? key : `${key.slice(0, colon)} "${key.slice(colon + 1)}"`;
}

/**
 * Removes targets whose estimated attempt cost (an upper bound: the prompt as counted plus full
 * `maxTokens`) exceeds the call's cap, or would take a daily budget it counts towards (the
 * route's, a tag's, the target's, its provider's) past its limit, counting what attempts in
 * flight hold. The router merged the caps (`limits`); a spent target or provider budget rejects
 * only its own targets, so traffic shifts to the others. Each rejection carries the first budget
 * it breaks, so a call nothing else serves ends in `BudgetExceededError` naming it.
 */
export const costPolicy: Filter = {
  kind: "filter",
  name: "cost",
  filter({ limits, candidates, snapshot }) {
    return candidates.flatMap(({ target, estimatedCostUsd }) => {
      const reasons: string[] = [];
      const breaches: BudgetBreach[] = [];
      const estimate = formatUsd(estimatedCostUsd);
      const perCall = limits.maxCostUsd;
      if (perCall !== undefined && estimatedCostUsd > perCall) {
        reasons.push(
          `estimated ${estimate} per attempt exceeds the per-call budget of ${formatUsd(perCall)}`,
        );
        breaches.push({ budget: "call", limitUsd: perCall, spentUsd: 0, estimatedUsd: estimatedCostUsd });
      }
      for (const { key, limitUsd } of limits.dailyBudgets.get(target.id) ?? []) {
        const spentUsd = snapshot.spendUsd.get(key) ?? 0;
        if (spentUsd + estimatedCostUsd > limitUsd) {
          reasons.push(
            `estimated ${estimate} would take ${budgetLabel(key)} past its daily budget (${formatUsd(spentUsd)} of ${formatUsd(limitUsd)} spent today)`,
          );
          breaches.push({ budget: key, limitUsd, spentUsd, estimatedUsd: estimatedCostUsd });
        }
      }
      const [budget] = breaches;
      return budget ? [{ target: target.id, reason: reasons.join("; "), budget }] : [];
    });
  },
};
