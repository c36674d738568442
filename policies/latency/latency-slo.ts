import type { ChatRequest, LatencySlo, Route } from "../../src/core/index.js";

function stricter(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/** The request's and the route's SLOs combined field by field; the stricter bound applies. */
export function effectiveSlo(request: Readonly<ChatRequest>, route: Readonly<Route>): LatencySlo {
  const ttftMs = stricter(request.slo?.ttftMs, route.slo?.ttftMs);
  const totalMs = stricter(request.slo?.totalMs, route.slo?.totalMs);
  return { ...(ttftMs === undefined ? {} : { ttftMs }), ...(totalMs === undefined ? {} : { totalMs }) };
}
