import type { Strategy } from "../../src/core/index.js";

/** The route's order, as the operator listed the targets. */
export const orderedStrategy: Strategy = {
  kind: "strategy",
  name: "ordered",
  rank({ route, candidates }) {
    const position = new Map(route.targets.map((id, index) => [id, index]));
    const order = (id: string) => position.get(id) ?? route.targets.length;
    return [...candidates].sort((a, b) => order(a.target.id) - order(b.target.id));
  },
};
