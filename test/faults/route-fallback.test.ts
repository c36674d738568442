import { describe, expect, it, vi } from "vitest";
import { type ChatRequest, InvalidRequestError, NoEligibleTargetError } from "../../index.js";
import { useMswServer } from "../support/msw-server.js";
import { startHarness, track, useFakeClock } from "./support/fault-harness.js";
import { openaiShape } from "./support/provider-shapes.js";
import { answer, fail } from "./support/replies.js";
import { Upstream } from "./support/upstream.js";

useMswServer();
useFakeClock();

const messages = [{ role: "user" as const, content: "hi" }];
const routes = {
  default: { targets: ["a"], fallback: "spare" },
  spare: { targets: ["b"] },
};
const tools = [
  { name: "lookup", description: "Looks a word up.", parameters: { type: "object", properties: {} } },
];

describe("the route's fallback route serves a call that no target of the route can take", () => {
  const cases: {
    name: string;
    a: Record<string, unknown>;
    request: Partial<ChatRequest>;
    policy: string;
  }[] = [
    { name: "tools", a: { tools: false }, request: { tools }, policy: "capabilities" },
    { name: "log-probs", a: { logprobs: 0 }, request: { logprobs: { topK: 5 } }, policy: "capabilities" },
    {
      name: "no-training privacy",
      a: { noTraining: false },
      request: { privacy: "no-training" },
      policy: "privacy",
    },
  ];

  it.each(cases)("falls back when the route's only target lacks $name, and the trace says why", async (c) => {
    const a = { upstream: new Upstream("a", openaiShape).replies(answer("from a")), ...c.a };
    const b = { upstream: new Upstream("b", openaiShape).replies(answer("from b")), noTraining: true };
    const { router, events } = await startHarness({ targets: { a, b }, routes });
    const result = await router.chat({ messages, ...c.request });
    expect(result.text).toBe("from b");
    expect(a.upstream.count).toBe(0);
    expect(result.route.rejected).toEqual([expect.objectContaining({ target: "a", policy: c.policy })]);
    expect(result.route.fallbacks).toEqual([{ from: "default", to: "spare", reason: "no-eligible-target" }]);
    expect(events).toContainEqual(
      expect.objectContaining({
        type: "fallback",
        from: "default",
        reason: "no target of the route is eligible, trying spare",
      }),
    );
    await router.close();
  });

  it("still ends in NoEligibleTargetError naming every rejection when the fallback route cannot take it either", async () => {
    const a = { upstream: new Upstream("a", openaiShape), tools: false };
    const b = { upstream: new Upstream("b", openaiShape), tools: false };
    const { router } = await startHarness({ targets: { a, b }, routes });
    const error = await track(router.chat({ messages, tools })).error();
    expect(NoEligibleTargetError.isInstance(error)).toBe(true);
    expect((error as NoEligibleTargetError).rejected.map((rejection) => rejection.target)).toEqual([
      "a",
      "b",
    ]);
    await router.close();
  });

  it("falls back to a route whose context window fits a prompt too long for every target of the first", async () => {
    const a = { upstream: new Upstream("a", openaiShape).replies(answer("from a")), contextWindow: 512 };
    const b = { upstream: new Upstream("b", openaiShape).replies(answer("from b")), contextWindow: 100_000 };
    const { router } = await startHarness({ targets: { a, b }, routes });
    const long = [{ role: "user" as const, content: "word ".repeat(2000) }];
    const result = await router.chat({ messages: long, maxTokens: 16 });
    expect(result.text).toBe("from b");
    expect(result.route.rejected).toContainEqual(expect.objectContaining({ target: "a" }));
    expect(result.route.fallbacks).toEqual([{ from: "default", to: "spare", reason: "no-eligible-target" }]);
    await router.close();
  });

  it("reports a prompt too long for every route as the caller's InvalidRequestError", async () => {
    const a = { upstream: new Upstream("a", openaiShape), contextWindow: 512 };
    const b = { upstream: new Upstream("b", openaiShape), contextWindow: 512 };
    const { router } = await startHarness({ targets: { a, b }, routes });
    const long = [{ role: "user" as const, content: "word ".repeat(2000) }];
    const error = await track(router.chat({ messages: long, maxTokens: 16 })).error();
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ field: "messages" });
    expect(a.upstream.count + b.upstream.count).toBe(0);
    await router.close();
  });

  it("falls back while every breaker of the route is open", async () => {
    const a = new Upstream("a", openaiShape).replies(fail("quota"));
    const b = new Upstream("b", openaiShape).replies(answer("from b"));
    const { router } = await startHarness({ targets: { a, b }, routes });
    const first = await router.chat({ messages });
    expect(first.text).toBe("from b");
    expect(first.route.fallbacks).toEqual([{ from: "default", to: "spare", reason: "exhausted" }]);
    const second = await router.chat({ messages });
    expect(second.text).toBe("from b");
    expect(a.count).toBe(1);
    expect(second.route.rejected).toEqual([expect.objectContaining({ target: "a", policy: "health" })]);
    expect(second.route.fallbacks).toEqual([{ from: "default", to: "spare", reason: "no-eligible-target" }]);
    await router.close();
  });

  it("falls back at once while every target of the route is paused by a 429, and returns once the pause ends", async () => {
    const a = new Upstream("a", openaiShape).replies(
      fail("rate-limit", { headers: { "retry-after": "5" } }),
      answer("from a"),
    );
    const b = new Upstream("b", openaiShape).replies(answer("from b"));
    const { router } = await startHarness({ targets: { a, b }, routes });
    const started = Date.now();
    const first = await router.chat({ messages });
    expect(first.text).toBe("from b");
    const second = await router.chat({ messages });
    expect(Date.now()).toBe(started);
    expect(second.text).toBe("from b");
    expect(a.count).toBe(1);
    expect(second.route.fallbacks).toEqual([{ from: "default", to: "spare", reason: "all-paused" }]);
    expect(second.route.paused).toEqual([
      { target: "a", until: started + 5000, reason: "retry-after", action: "waited" },
    ]);
    await vi.advanceTimersByTimeAsync(5000);
    expect((await router.chat({ messages })).text).toBe("from a");
    await router.close();
  });

  it("waits on the paused route when its fallback route has nothing to offer", async () => {
    const a = new Upstream("a", openaiShape).replies(
      fail("rate-limit", { headers: { "retry-after": "5" } }),
      answer("from a"),
    );
    const b = new Upstream("b", openaiShape).replies(fail("quota"));
    const { router } = await startHarness({ targets: { a, b }, routes });
    const started = Date.now();
    await track(router.chat({ messages })).error();
    const call = track(router.chat({ messages, timeoutMs: 10_000 }));
    await vi.advanceTimersByTimeAsync(5000);
    const result = await call.promise;
    expect(result.text).toBe("from a");
    expect(a.calls[1]?.at).toBe(started + 5000);
    await router.close();
  });
});

describe("provider and target daily budgets shift traffic once spent", () => {
  it("sends calls to the other provider once a provider's daily budget is spent, naming the budget", async () => {
    const small = { messages, maxTokens: 2 };
    const probe = await startHarness({ targets: { a: new Upstream("a", openaiShape) } });
    const plan = await probe.router.explain(small);
    const estimatedUsd = plan.ranked[0]?.estimatedCostUsd ?? Number.NaN;
    await probe.router.close();
    // Billed exactly as estimated: after one answer, a second estimate does not fit the budget.
    const billed = { inputTokens: plan.estimate.promptTokens, outputTokens: 2 };
    const a = new Upstream("a", openaiShape).replies(answer("from a", billed));
    const b = new Upstream("b", openaiShape).replies(answer("from b", billed));
    const { router } = await startHarness({
      targets: { a, b },
      budgets: { providers: { "a-provider": { dailyUsd: estimatedUsd * 1.5 } } },
    });
    expect((await router.chat(small)).text).toBe("from a");
    const shifted = await router.chat(small);
    expect(shifted.text).toBe("from b");
    expect(shifted.route.rejected).toEqual([
      expect.objectContaining({
        target: "a",
        policy: "cost",
        budget: expect.objectContaining({ budget: "provider:a-provider" }),
      }),
    ]);
    await router.close();
  });
});
