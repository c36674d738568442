import type { RoutingPolicy } from "../../src/core/index.js";
import { formatUsd } from "./format-usd.js";

export interface CostPolicyOptions {
  /**
   * Daily budgets per request tag, in US dollars, charged to the spend key "tag:<name>".
   * @default {}
   */
  tagBudgets?: Readonly<Record<string, { dailyUsd: number }>>;
}

/** The smaller of two optional limits: when both the request and the route set one, the stricter applies. */
function stricter(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/**
 * Removes targets whose estimated attempt cost (at full `maxTokens`) exceeds the per-call budget,
 * or would take the route's or a tag's spend today past its daily budget. Admitting by the
 * full-length estimate keeps real spend within the budget for calls made one after another.
 */
export function createCostPolicy(options: CostPolicyOptions = {}): RoutingPolicy {
  const tagBudgets = options.tagBudgets ?? {};
  return {
    name: "cost",
    filter({ request, route, candidates, snapshot }) {
      const perCall = stricter(request.budget?.maxCostUsd, route.budget?.maxCostUsd);
      const daily: { label: string; key: string; limitUsd: number }[] = [];
      if (route.budget?.dailyUsd !== undefined) {
        daily.push({
          label: `route "${route.name}"`,
          key: `route:${route.name}`,
          limitUsd: route.budget.dailyUsd,
        });
      }
      for (const tag of new Set(request.tags ?? [])) {
        const budget = Object.hasOwn(tagBudgets, tag) ? tagBudgets[tag] : undefined;
        if (budget) daily.push({ label: `tag "${tag}"`, key: `tag:${tag}`, limitUsd: budget.dailyUsd });
      }
      return candidates.flatMap(({ target, estimatedCostUsd }) => {
        const reasons: string[] = [];
        const estimate = formatUsd(estimatedCostUsd);
        if (perCall !== undefined && estimatedCostUsd > perCall) {
          reasons.push(
            `estimated ${estimate} per attempt exceeds the per-call budget of ${formatUsd(perCall)}`,
          );
        }
        for (const { label, key, limitUsd } of daily) {
          const spentUsd = snapshot.spendUsd.get(key) ?? 0;
          if (spentUsd + estimatedCostUsd > limitUsd) {
            reasons.push(
              `estimated ${estimate} would take ${label} past its daily budget (${formatUsd(spentUsd)} of ${formatUsd(limitUsd)} spent today)`,
            );
          }
        }
        return reasons.length === 0 ? [] : [{ target: target.id, reason: reasons.join("; ") }];
      });
    },
  };
}
