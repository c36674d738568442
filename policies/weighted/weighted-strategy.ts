import type { Strategy } from "../../src/core/index.js";

export interface WeightedStrategyOptions {
  /** Uniform numbers in [0, 1); inject a seeded source for reproducible routing. @default Math.random */
  random?: () => number;
}

/**
 * A random order drawn without replacement, each target first with probability weight / total
 * weight (Efraimidis–Spirakis: sort by u^(1/weight)). Targets of weight 0 come last, in route
 * order. Deterministic for a given random source: it is called once per candidate, in input order.
 */
export function createWeightedStrategy(options: WeightedStrategyOptions = {}): Strategy {
  const random = options.random ?? Math.random;
  return {
    kind: "strategy",
    name: "weighted",
    rank({ route, candidates }) {
      const position = new Map(route.targets.map((id, index) => [id, index]));
      const order = (id: string) => position.get(id) ?? route.targets.length;
      const keyed = candidates.map((candidate) => {
        const { weight } = candidate.target;
        const draw = random();
        if (!(draw >= 0 && draw <= 1)) {
          throw new RangeError(
            `weighted strategy: the random source returned ${draw}; expected a number in [0, 1)`,
          );
        }
        return { candidate, key: weight > 0 ? draw ** (1 / weight) : -1 };
      });
      keyed.sort((a, b) => b.key - a.key || order(a.candidate.target.id) - order(b.candidate.target.id));
      return keyed.map(({ candidate }) => candidate);
    },
  };
}
