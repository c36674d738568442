import { describe, expect, it } from "vitest";
import { makeInput, makeTarget, rejectedIds } from "../test/policy-input.js";
import { costPolicy } from "./cost-policy.js";

const targets = [makeTarget("cheap"), makeTarget("pricey")];
const costs = { cheap: 0.002, pricey: 0.03 };
const chatBudget = { key: "route:chat", limitUsd: 5 };
/** Both targets count towards the route's daily budget. */
const routeBudgets = new Map([
  ["cheap", [chatBudget]],
  ["pricey", [chatBudget]],
]);

describe("cost policy", () => {
  it("keeps every target when no budget applies", () => {
    expect(costPolicy.filter?.(makeInput(targets, { costs }))).toEqual([]);
  });

  it("removes targets whose estimated attempt exceeds the per-call budget, naming it", () => {
    const input = makeInput(targets, { costs, limits: { maxCostUsd: 0.01 } });
    expect(costPolicy.filter?.(input)).toEqual([
      {
        target: "pricey",
        reason: "estimated $0.03 per attempt exceeds the per-call budget of $0.01",
        budget: { budget: "call", limitUsd: 0.01, spentUsd: 0, estimatedUsd: 0.03 },
      },
    ]);
  });

  it("applies the cap the router merged (limits), not the request's or the route's own fields", () => {
    const raised = makeInput(targets, {
      costs,
      request: { budget: { maxCostUsd: 1 } },
      route: { budget: { maxCostUsd: 1 } },
      limits: { maxCostUsd: 0.001 },
    });
    expect(rejectedIds(costPolicy, raised)).toEqual(["cheap", "pricey"]);
  });

  it("removes targets that would take the route past its daily budget", () => {
    const input = makeInput(targets, {
      costs,
      limits: { dailyBudgets: routeBudgets },
      snapshot: { spendUsd: new Map([["route:chat", 4.98]]) },
    });
    expect(costPolicy.filter?.(input)).toEqual([
      {
        target: "pricey",
        reason: 'estimated $0.03 would take route "chat" past its daily budget ($4.98 of $5 spent today)',
        budget: { budget: "route:chat", limitUsd: 5, spentUsd: 4.98, estimatedUsd: 0.03 },
      },
    ]);
  });

  it("removes targets that would take a tag past its daily budget", () => {
    const beta = [{ key: "tag:beta", limitUsd: 1 }];
    const input = makeInput(targets, {
      costs,
      limits: {
        dailyBudgets: new Map([
          ["cheap", beta],
          ["pricey", beta],
        ]),
      },
      snapshot: { spendUsd: new Map([["tag:beta", 0.999]]) },
    });
    expect(rejectedIds(costPolicy, input)).toEqual(["cheap", "pricey"]);
    expect(costPolicy.filter?.(input)[0]?.reason).toBe(
      'estimated $0.002 would take tag "beta" past its daily budget ($0.999 of $1 spent today)',
    );
  });

  it("removes only the targets of a spent target or provider budget, saying which budget", () => {
    const three = [makeTarget("a"), makeTarget("b"), makeTarget("c", { provider: "anthropic" })];
    const input = makeInput(three, {
      limits: {
        dailyBudgets: new Map([
          ["a", [{ key: "target:a", limitUsd: 0.5 }]],
          ["b", [{ key: "provider:openai", limitUsd: 2 }]],
          ["c", [{ key: "provider:anthropic", limitUsd: 2 }]],
        ]),
      },
      snapshot: {
        spendUsd: new Map([
          ["target:a", 0.5],
          ["provider:openai", 1],
          ["provider:anthropic", 1.9995],
        ]),
      },
    });
    expect(costPolicy.filter?.(input)).toEqual([
      {
        target: "a",
        reason: 'estimated $0.001 would take target "a" past its daily budget ($0.5 of $0.5 spent today)',
        budget: { budget: "target:a", limitUsd: 0.5, spentUsd: 0.5, estimatedUsd: 0.001 },
      },
      {
        target: "c",
        reason:
          'estimated $0.001 would take provider "anthropic" past its daily budget ($1.9995 of $2 spent today)',
        budget: { budget: "provider:anthropic", limitUsd: 2, spentUsd: 1.9995, estimatedUsd: 0.001 },
      },
    ]);
  });

  it("lists every budget a target breaks and carries the first", () => {
    const tight = { key: "route:chat", limitUsd: 0.01 };
    const input = makeInput(targets, {
      costs,
      limits: { maxCostUsd: 0.01, dailyBudgets: new Map([["pricey", [tight]]]) },
    });
    expect(costPolicy.filter?.(input)).toEqual([
      {
        target: "pricey",
        reason:
          'estimated $0.03 per attempt exceeds the per-call budget of $0.01; estimated $0.03 would take route "chat" past its daily budget ($0 of $0.01 spent today)',
        budget: { budget: "call", limitUsd: 0.01, spentUsd: 0, estimatedUsd: 0.03 },
      },
    ]);
  });

  it("prints a nano-dollar cap as such, not as $0", () => {
    const input = makeInput(targets, { costs, limits: { maxCostUsd: 1e-9 } });
    expect(costPolicy.filter?.(input)[0]?.reason).toBe(
      "estimated $0.002 per attempt exceeds the per-call budget of $0.000000001",
    );
  });
});
