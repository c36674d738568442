import { describe, expect, it } from "vitest";
import type { ChatRequest, Route, Target } from "../core/index.js";
import { effectiveLimits } from "./effective-limits.js";

const target = { id: "a", provider: "openai" } as Target;
const context = {
  targets: new Map([["a", target]]),
  dailyBudgets: (route: Route) => [{ key: `route:${route.name}`, limitUsd: 5 }],
};
const messages: ChatRequest["messages"] = [{ role: "user", content: "hi" }];

function route(overrides: Partial<Route> = {}): Route {
  return {
    name: "chat",
    strategy: "ordered",
    targets: ["a"],
    timeoutMs: 30_000,
    continueOnInterrupt: false,
    fallbackOnContentFilter: false,
    ...overrides,
  };
}

describe("effectiveLimits", () => {
  it("takes the stricter of the request's and the route's per-call cap, whichever is lower", () => {
    const capped = route({ budget: { maxCostUsd: 0.01 } });
    expect(effectiveLimits(context, { messages, budget: { maxCostUsd: 1 } }, capped).maxCostUsd).toBe(0.01);
    expect(effectiveLimits(context, { messages, budget: { maxCostUsd: 0.002 } }, capped).maxCostUsd).toBe(
      0.002,
    );
    expect(effectiveLimits(context, { messages }, capped).maxCostUsd).toBe(0.01);
    expect(effectiveLimits(context, { messages }, route()).maxCostUsd).toBeUndefined();
  });

  it("lets a request shorten the deadline but never extend the route's", () => {
    expect(effectiveLimits(context, { messages, timeoutMs: 600_000 }, route()).timeoutMs).toBe(30_000);
    expect(effectiveLimits(context, { messages, timeoutMs: 5000 }, route()).timeoutMs).toBe(5000);
  });

  it("merges the SLOs field by field and makes the stricter totalMs the deadline", () => {
    const limits = effectiveLimits(
      context,
      { messages, slo: { ttftMs: 5000, totalMs: 20_000 } },
      route({ slo: { ttftMs: 800, totalMs: 60_000 } }),
    );
    expect(limits.slo).toEqual({ ttftMs: 800, totalMs: 20_000 });
    expect(limits.timeoutMs).toBe(20_000);
    const looser = effectiveLimits(
      context,
      { messages, slo: { totalMs: 90_000 } },
      route({ slo: { totalMs: 10_000 } }),
    );
    expect(looser.timeoutMs).toBe(10_000);
  });

  it("keeps the call's deadline and at most its cap on a fallback route, with that route's SLO and budgets", () => {
    const first = effectiveLimits(context, { messages }, route({ budget: { maxCostUsd: 0.01 } }));
    const fallback = route({
      name: "spare",
      timeoutMs: 90_000,
      budget: { maxCostUsd: 1 },
      slo: { ttftMs: 2000 },
    });
    const limits = effectiveLimits(context, { messages }, fallback, first);
    expect(limits).toMatchObject({ maxCostUsd: 0.01, timeoutMs: 30_000, slo: { ttftMs: 2000 } });
    expect(limits.dailyBudgets.get("a")).toEqual([{ key: "route:spare", limitUsd: 5 }]);
  });

  it("lists the daily budgets of every target of the route", () => {
    expect(effectiveLimits(context, { messages }, route()).dailyBudgets).toEqual(
      new Map([["a", [{ key: "route:chat", limitUsd: 5 }]]]),
    );
  });
});
