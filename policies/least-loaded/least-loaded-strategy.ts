import { type Candidate, occupancy, type Strategy } from "../../src/core/index.js";

/**
 * The least busy target first: by occupancy (calls in flight, or a local engine's busy slots plus
 * queue, over its capacity), then by the longest prompt prefix it served recently (its KV cache
 * may hold it), then in route order. For several engines of one model (one per GPU) and for
 * equivalent hosts whose queues should stay even.
 */
export const leastLoadedStrategy: Strategy = {
  kind: "strategy",
  name: "least-loaded",
  rank({ route, candidates, snapshot }) {
    const position = new Map(route.targets.map((id, index) => [id, index]));
    const key = (candidate: Candidate) => {
      const id = candidate.target.id;
      return {
        busy: occupancy(snapshot.load?.get(id)),
        prefix: snapshot.prefixChars?.get(id) ?? 0,
        order: position.get(id) ?? route.targets.length,
      };
    };
    const keyed = candidates.map((candidate) => ({ candidate, ...key(candidate) }));
    keyed.sort((a, b) => a.busy - b.busy || b.prefix - a.prefix || a.order - b.order);
    return keyed.map(({ candidate }) => candidate);
  },
};
