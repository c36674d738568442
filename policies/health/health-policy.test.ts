import { describe, expect, it } from "vitest";
import { health, makeInput, makeTarget, rejectedIds } from "../test/policy-input.js";
import { healthPolicy } from "./health-policy.js";

const now = 1_000_000;
const targets = [makeTarget("a"), makeTarget("b"), makeTarget("c")];

describe("health policy", () => {
  it("keeps targets it knows nothing about", () => {
    expect(healthPolicy.filter?.(makeInput(targets))).toEqual([]);
  });

  it("removes a target whose breaker is open", () => {
    const snapshot = { now, health: new Map([["a", health({ breaker: "open", openedAt: now - 12_000 })]]) };
    expect(healthPolicy.filter?.(makeInput(targets, { snapshot }))).toEqual([
      { target: "a", reason: "circuit breaker is open (opened 12 s ago)" },
    ]);
  });

  it("keeps a half-open target so its call can probe the provider", () => {
    const snapshot = {
      now,
      health: new Map([["a", health({ breaker: "half-open", openedAt: now - 31_000 })]]),
    };
    expect(rejectedIds(healthPolicy, makeInput(targets, { snapshot }))).toEqual([]);
  });

  it("removes an ejected target until its ejection ends", () => {
    const ejected = health({ ejectedUntil: now + 41_500, ejections: 2 });
    const during = makeInput(targets, { snapshot: { now, health: new Map([["b", ejected]]) } });
    expect(healthPolicy.filter?.(during)).toEqual([
      { target: "b", reason: "ejected after repeated failures for another 42 s (ejection 2 in a row)" },
    ]);
    const after = makeInput(targets, { snapshot: { now: now + 41_500, health: new Map([["b", ejected]]) } });
    expect(rejectedIds(healthPolicy, after)).toEqual([]);
  });

  it("never ejects the last healthy target: keeps the one whose ejection ends first", () => {
    const snapshot = {
      now,
      health: new Map([
        ["a", health({ ejectedUntil: now + 50_000, ejections: 1 })],
        ["b", health({ ejectedUntil: now + 10_000, ejections: 3 })],
        ["c", health({ breaker: "open", openedAt: now })],
      ]),
    };
    expect(rejectedIds(healthPolicy, makeInput(targets, { snapshot }))).toEqual(["a", "c"]);
  });

  it("removes every target when all breakers are open: failing fast is the breaker's point", () => {
    const open = health({ breaker: "open", openedAt: now });
    const snapshot = { now, health: new Map(targets.map((target) => [target.id, open])) };
    expect(rejectedIds(healthPolicy, makeInput(targets, { snapshot }))).toEqual(["a", "b", "c"]);
  });
});
