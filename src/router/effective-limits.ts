import type { CallLimits, ChatRequest, DailyLimit, LatencySlo, Route } from "../core/index.js";
import type { RoutingContext } from "./routing-context.js";

/** The deadline when neither the request nor the route names one. @default 120000 */
const defaultTimeoutMs = 120_000;

/** The smaller of two optional bounds: when both are set, the stricter applies. */
function stricter(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/**
 * The one place where a request's limits meet its route's: every cap, deadline and SLO is the
 * stricter of the two, so a caller can tighten a route but never loosen it. The filters (through
 * `PolicyInput.limits`) and the attempt loop read the result, never the raw fields.
 *
 * On a fallback route (`call` is the limits the call ran under so far) the deadline stays the
 * call's, and the per-call cap stays at most what it was: both belong to the call, not to a
 * route. The SLO and the daily budgets are the fallback route's own.
 */
export function effectiveLimits(
  context: Pick<RoutingContext, "targets" | "dailyBudgets">,
  request: ChatRequest,
  route: Route,
  call?: CallLimits,
): CallLimits {
  const ttftMs = stricter(request.slo?.ttftMs, route.slo?.ttftMs);
  const totalMs = stricter(request.slo?.totalMs, route.slo?.totalMs);
  const slo: LatencySlo = {
    ...(ttftMs === undefined ? {} : { ttftMs }),
    ...(totalMs === undefined ? {} : { totalMs }),
  };
  const maxCostUsd = stricter(
    stricter(request.budget?.maxCostUsd, route.budget?.maxCostUsd),
    call?.maxCostUsd,
  );
  const timeoutMs = call?.timeoutMs ?? stricter(stricter(request.timeoutMs, route.timeoutMs), totalMs);
  const dailyBudgets = new Map<string, readonly DailyLimit[]>();
  for (const id of route.targets) {
    const target = context.targets.get(id);
    if (target) dailyBudgets.set(id, context.dailyBudgets(route, request, target));
  }
  return {
    ...(maxCostUsd === undefined ? {} : { maxCostUsd }),
    timeoutMs: timeoutMs ?? defaultTimeoutMs,
    slo,
    dailyBudgets,
  };
}
