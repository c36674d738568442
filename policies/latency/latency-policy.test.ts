import { describe, expect, it } from "vitest";
import { makeInput, makeTarget, rejectedIds, stats } from "../test/policy-input.js";
import { createLatencyPolicy } from "./latency-policy.js";

const targets = [makeTarget("quick"), makeTarget("slow"), makeTarget("new")];
const latency = new Map([
  ["quick", stats({ ttftP95Ms: 300, outputTokensPerSec: 200 })],
  ["slow", stats({ ttftP95Ms: 1200, outputTokensPerSec: 40 })],
]);

describe("latency policy", () => {
  it("keeps every target when no SLO applies", () => {
    expect(createLatencyPolicy().filter?.(makeInput(targets, { snapshot: { latency } }))).toEqual([]);
  });

  it("removes targets whose p95 time to first token misses the TTFT SLO, with the numbers", () => {
    const input = makeInput(targets, { limits: { slo: { ttftMs: 800 } }, snapshot: { latency } });
    expect(createLatencyPolicy().filter?.(input)).toEqual([
      {
        target: "slow",
        reason:
          "predicted first token in 1200 ms (p95 first token 1200 ms + queue 0 ms) misses the 800 ms TTFT SLO",
      },
    ]);
  });

  it("adds the rate-limiter wait to the time to first token", () => {
    const input = makeInput(targets, {
      limits: { slo: { ttftMs: 800 } },
      snapshot: { latency, queueWaitMs: new Map([["quick", 600]]) },
    });
    expect(rejectedIds(createLatencyPolicy(), input)).toEqual(["quick", "slow"]);
  });

  it("removes targets predicted to miss the total SLO at their output speed", () => {
    const input = makeInput(targets, {
      limits: { slo: { totalMs: 10_000 } },
      estimate: { maxOutputTokens: 500 },
      snapshot: { latency },
    });
    expect(createLatencyPolicy().filter?.(input)).toEqual([
      {
        target: "slow",
        reason:
          "predicted 13700 ms in total (p95 first token 1200 ms + queue 0 ms + 500 tokens at 40 tok/s) misses the 10000 ms total SLO",
      },
    ]);
  });

  it("keeps a target without statistics so it gets explored", () => {
    const input = makeInput(targets, { limits: { slo: { ttftMs: 1 } }, snapshot: { latency } });
    expect(rejectedIds(createLatencyPolicy(), input)).not.toContain("new");
  });

  it("treats statistics that decayed below minSamples as unknown, so a slow target is tried again", () => {
    const aged = new Map([["slow", stats({ ttftP95Ms: 5000, samples: 0.3 })]]);
    const input = makeInput(targets, { limits: { slo: { ttftMs: 800 } }, snapshot: { latency: aged } });
    expect(rejectedIds(createLatencyPolicy(), input)).toEqual([]);
    expect(rejectedIds(createLatencyPolicy({ minSamples: 0.1 }), input)).toEqual(["slow"]);
  });

  it("applies the SLO the router merged (limits), not the request's or the route's own fields", () => {
    const input = makeInput(targets, {
      request: { slo: { ttftMs: 5000 } },
      route: { slo: { ttftMs: 5000 } },
      limits: { slo: { ttftMs: 1000 } },
      snapshot: { latency },
    });
    expect(rejectedIds(createLatencyPolicy(), input)).toEqual(["slow"]);
  });

  it("rejects a prior that is not a positive number", () => {
    expect(() => createLatencyPolicy({ latencyPrior: { ttftMs: -1 } })).toThrow(
      "latency policy: latencyPrior.ttftMs must be a positive number, got -1",
    );
  });
});
