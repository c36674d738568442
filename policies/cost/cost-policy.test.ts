import { describe, expect, it } from "vitest";
import { makeInput, makeTarget, rejectedIds } from "../test/policy-input.js";
import { createCostPolicy } from "./cost-policy.js";

const targets = [makeTarget("cheap"), makeTarget("pricey")];
const costs = { cheap: 0.002, pricey: 0.03 };

describe("cost policy", () => {
  it("keeps every target when no budget applies", () => {
    expect(createCostPolicy().filter?.(makeInput(targets, { costs }))).toEqual([]);
  });

  it("removes targets whose estimated attempt exceeds the per-call budget", () => {
    const input = makeInput(targets, { costs, request: { budget: { maxCostUsd: 0.01 } } });
    expect(createCostPolicy().filter?.(input)).toEqual([
      { target: "pricey", reason: "estimated $0.03 per attempt exceeds the per-call budget of $0.01" },
    ]);
  });

  it("applies the stricter of the request's and the route's per-call budgets", () => {
    const looser = makeInput(targets, {
      costs,
      request: { budget: { maxCostUsd: 1 } },
      route: { budget: { maxCostUsd: 0.001 } },
    });
    expect(rejectedIds(createCostPolicy(), looser)).toEqual(["cheap", "pricey"]);
  });

  it("removes targets that would take the route past its daily budget", () => {
    const input = makeInput(targets, {
      costs,
      route: { name: "chat", budget: { dailyUsd: 5 } },
      snapshot: { spendUsd: new Map([["route:chat", 4.98]]) },
    });
    expect(createCostPolicy().filter?.(input)).toEqual([
      {
        target: "pricey",
        reason: 'estimated $0.03 would take route "chat" past its daily budget ($4.98 of $5 spent today)',
      },
    ]);
  });

  it("removes targets that would take a tag past its daily budget", () => {
    const policy = createCostPolicy({ tagBudgets: { beta: { dailyUsd: 1 } } });
    const input = makeInput(targets, {
      costs,
      request: { tags: ["beta", "unbudgeted"] },
      snapshot: { spendUsd: new Map([["tag:beta", 0.999]]) },
    });
    expect(rejectedIds(policy, input)).toEqual(["cheap", "pricey"]);
    expect(policy.filter?.(input)[0]?.reason).toBe(
      'estimated $0.002 would take tag "beta" past its daily budget ($0.999 of $1 spent today)',
    );
  });

  it("ignores tags named like Object.prototype members", () => {
    const policy = createCostPolicy({ tagBudgets: {} });
    const input = makeInput(targets, { costs, request: { tags: ["constructor", "__proto__", "toString"] } });
    expect(policy.filter?.(input)).toEqual([]);
  });

  it("lists every budget a target breaks", () => {
    const input = makeInput(targets, {
      costs,
      request: { budget: { maxCostUsd: 0.01 } },
      route: { name: "chat", budget: { dailyUsd: 0.01 } },
    });
    expect(createCostPolicy().filter?.(input)).toEqual([
      {
        target: "pricey",
        reason:
          'estimated $0.03 per attempt exceeds the per-call budget of $0.01; estimated $0.03 would take route "chat" past its daily budget ($0 of $0.01 spent today)',
      },
    ]);
  });
});
