import { describe, expect, it } from "vitest";
import { makeInput, makeSnapshot, makeTarget } from "../../policies/test/policy-input.js";
import type { TargetLoad } from "../core/index.js";
import { AFFINITY_MIN_CHARS, balanceReplicas } from "./balance-replicas.js";

const remote = makeTarget("remote");
const gpu0 = makeTarget("small@gpu0", { group: "small" });
const gpu1 = makeTarget("small@gpu1", { group: "small" });
const gpu2 = makeTarget("small@gpu2", { group: "small" });

function order(
  ranked: ReturnType<typeof makeTarget>[],
  load: Record<string, TargetLoad>,
  prefixChars: Record<string, number> = {},
) {
  const { candidates } = makeInput(ranked);
  const snapshot = makeSnapshot({
    load: new Map(Object.entries(load)),
    prefixChars: new Map(Object.entries(prefixChars)),
  });
  return balanceReplicas(candidates, snapshot).map((candidate) => candidate.target.id);
}

const slots = (busy: number) => ({ inFlight: busy, capacity: 4 });

describe("balancing replicas of one model", () => {
  it("puts the least busy replica in the places the strategy gave the group; others keep theirs", () => {
    expect(
      order([gpu0, remote, gpu1, gpu2], {
        "small@gpu0": slots(3),
        "small@gpu1": slots(1),
        "small@gpu2": slots(2),
      }),
    ).toEqual(["small@gpu1", "remote", "small@gpu2", "small@gpu0"]);
  });

  it("keeps route order among equally busy replicas", () => {
    expect(order([gpu0, gpu1], { "small@gpu0": slots(0), "small@gpu1": slots(0) })).toEqual([
      "small@gpu0",
      "small@gpu1",
    ]);
  });

  it("prefers the replica holding a long prefix of the prompt while it has a free slot", () => {
    const load = { "small@gpu0": slots(0), "small@gpu1": slots(2) };
    expect(order([gpu0, gpu1], load, { "small@gpu1": AFFINITY_MIN_CHARS * 2 })).toEqual([
      "small@gpu1",
      "small@gpu0",
    ]);
  });

  it("ignores a short shared prefix, and a holder whose slots are all taken", () => {
    const load = { "small@gpu0": slots(0), "small@gpu1": slots(2) };
    expect(order([gpu0, gpu1], load, { "small@gpu1": AFFINITY_MIN_CHARS - 1 })).toEqual([
      "small@gpu0",
      "small@gpu1",
    ]);
    const full = { "small@gpu0": slots(1), "small@gpu1": slots(4) };
    expect(order([gpu0, gpu1], full, { "small@gpu1": AFFINITY_MIN_CHARS * 8 })).toEqual([
      "small@gpu0",
      "small@gpu1",
    ]);
  });

  it("leaves a ranking without replicas untouched", () => {
    const other = makeTarget("other");
    expect(order([other, remote], { other: slots(4), remote: slots(0) })).toEqual(["other", "remote"]);
  });
});
