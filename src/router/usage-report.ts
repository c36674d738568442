import type { SpendToday, SpendTotals } from "../core/index.js";

/** Spend and tokens recorded on one key (a route, tag, target or provider) today. */
export interface UsageTotals {
  /** US dollars of every billed or possibly billed attempt (estimated where the cost is unknown). */
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
}

/**
 * `router.usage()`: what was spent today, by route, tag, target and provider, from the router's
 * state store (summed over every replica on a shared store). Today is the UTC day, as the daily
 * budgets count it; holds of attempts in flight are not included until their cost is recorded.
 */
export interface UsageReport {
  /** The UTC day reported, `YYYY-MM-DD`. */
  day: string;
  /** The day's bounds, ISO 8601: `from` (00:00 UTC) inclusive, `to` (the next 00:00 UTC) exclusive. */
  from: string;
  to: string;
  /** Every attempt of the day (each attempt is charged to exactly one provider). */
  total: UsageTotals;
  /** By route name (the route the attempt ran on: a fallback route's attempts are its own). */
  routes: Record<string, UsageTotals>;
  /** By request tag; an attempt of a call with several tags counts under each. */
  tags: Record<string, UsageTotals>;
  /** By policy target (a replica's attempts count under the target it replicates). */
  targets: Record<string, UsageTotals>;
  /** By provider id of the policy. */
  providers: Record<string, UsageTotals>;
}

const sections = { route: "routes", tag: "tags", target: "targets", provider: "providers" } as const;

/** The store's spend keys ("route:<name>", …), grouped into the report. */
export function usageReport(spend: SpendToday): UsageReport {
  const grouped: Record<(typeof sections)[keyof typeof sections], [string, UsageTotals][]> = {
    routes: [],
    tags: [],
    targets: [],
    providers: [],
  };
  const total: UsageTotals = { costUsd: 0, inputTokens: 0, outputTokens: 0 };
  for (const [key, totals] of spend.keys) {
    const colon = key.indexOf(":");
    const kind = key.slice(0, colon);
    if (colon < 0 || !Object.hasOwn(sections, kind)) continue;
    const section = sections[kind as keyof typeof sections];
    grouped[section].push([key.slice(colon + 1), copy(totals)]);
    if (section === "providers") {
      total.costUsd += totals.costUsd;
      total.inputTokens += totals.inputTokens;
      total.outputTokens += totals.outputTokens;
    }
  }
  const from = Date.parse(`${spend.day}T00:00:00Z`);
  return {
    day: spend.day,
    from: new Date(from).toISOString(),
    to: new Date(from + 86_400_000).toISOString(),
    total,
    // fromEntries defines own properties: a tag named "__proto__" is a key like any other.
    routes: Object.fromEntries(grouped.routes),
    tags: Object.fromEntries(grouped.tags),
    targets: Object.fromEntries(grouped.targets),
    providers: Object.fromEntries(grouped.providers),
  };
}

function copy(totals: SpendTotals): UsageTotals {
  return { costUsd: totals.costUsd, inputTokens: totals.inputTokens, outputTokens: totals.outputTokens };
}
