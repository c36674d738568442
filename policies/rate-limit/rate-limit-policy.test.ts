import { describe, expect, it } from "vitest";
import { makeInput, makeTarget, rejectedIds } from "../test/policy-input.js";
import { createRateLimitPolicy } from "./rate-limit-policy.js";

const targets = [makeTarget("free"), makeTarget("busy")];
const queueWaitMs = new Map([
  ["free", 0],
  ["busy", 2300],
]);

describe("rate-limit policy", () => {
  it("keeps a target with a queue wait when nothing bounds the wait but the deadline", () => {
    expect(rejectedIds(createRateLimitPolicy(), makeInput(targets, { snapshot: { queueWaitMs } }))).toEqual(
      [],
    );
  });

  it("skips a target whose queue wait alone breaks the TTFT SLO rather than waiting on it", () => {
    const input = makeInput(targets, { limits: { slo: { ttftMs: 800 } }, snapshot: { queueWaitMs } });
    expect(createRateLimitPolicy().filter?.(input)).toEqual([
      {
        target: "busy",
        reason:
          "rate limiter would hold the call ~2300 ms, past the 800 ms TTFT SLO; skipped rather than waited on",
      },
    ]);
  });

  it("skips a target whose queue wait breaks the total SLO", () => {
    const input = makeInput(targets, { limits: { slo: { totalMs: 2000 } }, snapshot: { queueWaitMs } });
    expect(rejectedIds(createRateLimitPolicy(), input)).toEqual(["busy"]);
  });

  it("skips a target whose queue wait outlasts the call's deadline", () => {
    const input = makeInput(targets, { limits: { timeoutMs: 2000 }, snapshot: { queueWaitMs } });
    expect(createRateLimitPolicy().filter?.(input)[0]?.reason).toContain("past the 2000 ms call deadline");
  });

  it("reads the merged deadline from limits: a request cannot extend the route's", () => {
    const input = makeInput(targets, {
      request: { timeoutMs: 600_000 },
      route: { timeoutMs: 2000 },
      limits: { timeoutMs: 2000 },
      snapshot: { queueWaitMs },
    });
    expect(rejectedIds(createRateLimitPolicy(), input)).toEqual(["busy"]);
  });

  it("skips a target whose queue wait exceeds maxQueueWaitMs", () => {
    const input = makeInput(targets, { snapshot: { queueWaitMs } });
    expect(createRateLimitPolicy({ maxQueueWaitMs: 1000 }).filter?.(input)).toEqual([
      {
        target: "busy",
        reason:
          "rate limiter would hold the call ~2300 ms, over the 1000 ms allowed wait; skipped rather than waited on",
      },
    ]);
    expect(rejectedIds(createRateLimitPolicy({ maxQueueWaitMs: 5000 }), input)).toEqual([]);
  });

  it("rejects a negative maxQueueWaitMs", () => {
    expect(() => createRateLimitPolicy({ maxQueueWaitMs: -5 })).toThrow(
      /maxQueueWaitMs must be a finite number ≥ 0, got -5/,
    );
  });
});
