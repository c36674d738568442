import { describe, expect, it } from "vitest";
import type { TargetLoad } from "../../src/core/index.js";
import { makeInput, makeTarget } from "../test/policy-input.js";
import { leastLoadedStrategy } from "./least-loaded-strategy.js";

const [a, b, c] = ["a", "b", "c"].map((id) => makeTarget(id)) as [
  ReturnType<typeof makeTarget>,
  ReturnType<typeof makeTarget>,
  ReturnType<typeof makeTarget>,
];

function rank(load: Record<string, TargetLoad>, prefixChars: Record<string, number> = {}) {
  const input = makeInput([a, b, c], {
    snapshot: { load: new Map(Object.entries(load)), prefixChars: new Map(Object.entries(prefixChars)) },
  });
  return leastLoadedStrategy.rank?.(input).map((candidate) => candidate.target.id);
}

describe("least-loaded strategy", () => {
  it("ranks by occupancy: busy slots plus queue (or calls in flight) over capacity", () => {
    expect(
      rank({
        a: { inFlight: 3, capacity: 4 },
        b: { inFlight: 0, engineBusy: 6, capacity: 4 },
        c: { inFlight: 1, capacity: 4 },
      }),
    ).toEqual(["c", "a", "b"]);
  });

  it("compares engines of different sizes by the share of their slots in use", () => {
    expect(
      rank({ a: { inFlight: 4, capacity: 16 }, b: { inFlight: 2, capacity: 4 }, c: { inFlight: 0 } }),
    ).toEqual(["c", "a", "b"]);
  });

  it("breaks ties by the longer cached prefix, then by route order", () => {
    const idle = { inFlight: 0, capacity: 4 };
    expect(rank({ a: idle, b: idle, c: idle }, { c: 4096, b: 1024 })).toEqual(["c", "b", "a"]);
    expect(rank({ a: idle, b: idle, c: idle })).toEqual(["a", "b", "c"]);
  });

  it("treats a target without load figures as idle", () => {
    expect(rank({ a: { inFlight: 1 } })).toEqual(["b", "c", "a"]);
  });
});
