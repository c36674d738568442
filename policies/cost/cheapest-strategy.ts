import type { Strategy } from "../../src/core/index.js";

/** Lowest estimated attempt cost first; equal costs keep the route's order. */
export const cheapestStrategy: Strategy = {
  kind: "strategy",
  name: "cheapest",
  rank({ route, candidates }) {
    const position = new Map(route.targets.map((id, index) => [id, index]));
    const order = (id: string) => position.get(id) ?? route.targets.length;
    return [...candidates].sort(
      (a, b) => a.estimatedCostUsd - b.estimatedCostUsd || order(a.target.id) - order(b.target.id),
    );
  },
};
