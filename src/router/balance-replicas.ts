import { type Candidate, occupancy, type StateSnapshot } from "../core/index.js";

/** A shared prefix shorter than this (~256 tokens) saves too little prefill to outweigh load. */
export const AFFINITY_MIN_CHARS = 1024;

/**
 * Replicas of one model (one engine per GPU: `small@gpu0`, `small@gpu1`) are interchangeable, so
 * whatever the strategy, they take the places it gave their group in this order: the replica that
 * recently served the longest prefix of this prompt (at least AFFINITY_MIN_CHARS) while it has a
 * free slot, then the least busy, then in route order. Other candidates keep their places.
 */
export function balanceReplicas(ranked: readonly Candidate[], snapshot: StateSnapshot): Candidate[] {
  const groups = new Map<string, number[]>();
  ranked.forEach((candidate, index) => {
    const group = candidate.target.group;
    if (group === undefined) return;
    const positions = groups.get(group);
    if (positions) positions.push(index);
    else groups.set(group, [index]);
  });
  const balanced = [...ranked];
  for (const positions of groups.values()) {
    if (positions.length < 2) continue;
    const members = positions.map((position) => ranked[position] as Candidate);
    orderReplicas(members, snapshot).forEach((candidate, index) => {
      balanced[positions[index] as number] = candidate;
    });
  }
  return balanced;
}

function orderReplicas(members: Candidate[], snapshot: StateSnapshot): Candidate[] {
  const keyed = members.map((candidate, index) => {
    const id = candidate.target.id;
    return {
      candidate,
      index,
      busy: occupancy(snapshot.load?.get(id)),
      prefix: snapshot.prefixChars?.get(id) ?? 0,
    };
  });
  let holder: (typeof keyed)[number] | undefined;
  for (const entry of keyed) {
    if (entry.prefix < AFFINITY_MIN_CHARS || entry.busy >= 1) continue;
    if (!holder || entry.prefix > holder.prefix) holder = entry;
  }
  keyed.sort((a, b) => {
    if (a === holder) return -1;
    if (b === holder) return 1;
    return a.busy - b.busy || a.index - b.index;
  });
  return keyed.map(({ candidate }) => candidate);
}
