import { getEventListeners } from "node:events";
import { describe, expect, it, vi } from "vitest";
import {
  AbortedError,
  BudgetExceededError,
  type ChatResult,
  DeadlineExceededError,
  type RouterEvent,
  type StreamPart,
} from "../../index.js";
import { useMswServer } from "../support/msw-server.js";
import { startHarness, testPrice, track, useFakeClock } from "./support/fault-harness.js";
import { openaiShape, providerShapes } from "./support/provider-shapes.js";
import { replicatedProvider } from "./support/replicated-provider.js";
import { answer, fail, frames, hang, timed } from "./support/replies.js";
import { Upstream } from "./support/upstream.js";

useMswServer();
useFakeClock();

const messages = [{ role: "user" as const, content: "hi" }];
const listeners = (signal: AbortSignal) => getEventListeners(signal, "abort").length;

/** "Hel" at once, then one more token every second, never ending. */
const endlessStream = () =>
  timed(
    (wire) => [
      ...wire.opening(["Hel"]).map((frame) => ({ atMs: 0, frame })),
      ...[1000, 2000, 3000].map((atMs) => ({ atMs, frame: wire.opening(["lo"]).at(-1) ?? "" })),
    ],
    { end: "hang" },
  );

describe.each(providerShapes)("scenario 18 ($name): the caller aborts mid-stream", (shape) => {
  it("cancels upstream, does not retry, records the partial cost and leaves no listener", async () => {
    const a = new Upstream("a", shape).replies(endlessStream(), answer("again"));
    const b = new Upstream("b", shape).replies(answer("from b"));
    const { router } = await startHarness({ targets: { a, b } });
    const controller = new AbortController();
    const stream = router.stream({ messages, signal: controller.signal });
    const parts: StreamPart[] = [];
    const reading = track(
      (async () => {
        for await (const part of stream) parts.push(part);
      })(),
    );
    await vi.advanceTimersByTimeAsync(1500);
    expect(parts.map((part) => part.type)).toEqual(["text-delta", "text-delta"]);
    controller.abort(new Error("user left"));
    await reading.promise;
    const error = await track(stream.result).error();
    expect(AbortedError.isInstance(error)).toBe(true);
    const aborted = error as AbortedError;
    // Its own name, not the DOM's "AbortError": code that tells a fetch abort apart must not mistake it.
    expect(aborted.name).toBe("AbortedError");
    expect(aborted.toJSON()).toMatchObject({ name: "AbortedError" });
    expect(aborted.partialText).toBe("Hello");
    expect(aborted.trace.attempts).toEqual([
      expect.objectContaining({ target: "a", outcome: "aborted", possiblyBilled: true }),
    ]);
    expect(aborted.trace.attempts[0]?.costUsd).toBeGreaterThan(0);
    expect(parts.at(-1)).toMatchObject({ type: "error", error });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(a.count).toBe(1);
    expect(a.cancelled).toBe(1);
    expect(b.count).toBe(0);
    expect(listeners(controller.signal)).toBe(0);
    await router.close();
  });

  it("cancels upstream when the reader cancels the stream", async () => {
    const a = new Upstream("a", shape).replies(endlessStream());
    const { router } = await startHarness({ targets: { a } });
    const stream = router.stream({ messages });
    const reading = track(
      (async () => {
        for await (const part of stream) if (part.type === "text-delta") stream.cancel();
      })(),
    );
    await vi.advanceTimersByTimeAsync(10);
    await reading.promise;
    expect(AbortedError.isInstance(await track(stream.result).error())).toBe(true);
    expect(a.cancelled).toBe(1);
    await router.close();
  });

  it("stops during a retry's backoff: no further attempt, no listener left", async () => {
    const a = new Upstream("a", shape).replies(fail("server"), answer("late"));
    const { router } = await startHarness({ targets: { a } });
    const controller = new AbortController();
    const call = track(router.chat({ messages, signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    const error = await call.error();
    expect(AbortedError.isInstance(error)).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(a.count).toBe(1);
    expect(listeners(controller.signal)).toBe(0);
    await router.close();
  });

  it("sends nothing for a signal that is already aborted", async () => {
    const a = new Upstream("a", shape).replies(answer());
    const { router } = await startHarness({ targets: { a } });
    const error = await track(router.chat({ messages, signal: AbortSignal.abort() })).error();
    expect(AbortedError.isInstance(error)).toBe(true);
    expect((error as AbortedError).trace.attempts.every((attempt) => attempt.costUsd === 0)).toBe(true);
    expect(a.count).toBe(0);
    await router.close();
  });

  it("leaves no listener on a long-lived signal across many calls and outcomes", async () => {
    const a = new Upstream("a", shape).replies(answer(), fail("bad-request"), hang(), answer());
    const { router } = await startHarness({
      targets: { a },
      routes: { default: { targets: ["a"], firstTokenTimeoutMs: 1000 } },
    });
    const longLived = new AbortController().signal;
    for (const streaming of [false, true, false, true]) {
      const request = { messages, signal: longLived };
      const call = track(streaming ? router.stream(request).result : router.chat(request));
      await vi.advanceTimersByTimeAsync(2000);
      await call.promise.catch(() => {});
      expect(listeners(longLived)).toBe(0);
    }
    await router.close();
  });
});

describe.each(providerShapes)("scenario 19 ($name): the next attempt would exceed the budget", (shape) => {
  async function costs(router: Awaited<ReturnType<typeof startHarness>>["router"]) {
    const plan = await router.explain({ messages, maxTokens: 100 }, { streaming: true });
    const estimatedUsd = plan.ranked[0]?.estimatedCostUsd ?? 0;
    // The prompt as the target bills it at most (o200k for OpenAI, a UTF-8 bound for Anthropic).
    return { estimatedUsd, promptUsd: estimatedUsd - (100 * testPrice.output) / 1e6 };
  }

  it("stops before sending a retry that the possibly billed first attempt left no budget for", async () => {
    const a = new Upstream("a", shape).replies(hang(), answer());
    const { router } = await startHarness({
      targets: { a },
      routes: { default: { targets: ["a"], firstTokenTimeoutMs: 1000 } },
    });
    const { estimatedUsd, promptUsd } = await costs(router);
    const maxCostUsd = estimatedUsd + promptUsd / 2;
    const call = track(router.stream({ messages, maxTokens: 100, budget: { maxCostUsd } }).result);
    await vi.advanceTimersByTimeAsync(5000);
    const error = await call.error();
    expect(BudgetExceededError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ budget: "call", limitUsd: maxCostUsd, estimatedUsd });
    expect((error as BudgetExceededError).spentUsd).toBeCloseTo(promptUsd, 15);
    expect(a.count).toBe(1);
    await router.close();
  });

  it("stops before calling a fallback target the remaining budget cannot cover", async () => {
    const a = new Upstream("a", shape).replies(hang());
    const b = new Upstream("b", shape).replies(answer("from b"));
    const { router } = await startHarness({
      targets: { a: { upstream: a, maxAttempts: 1 }, b },
      routes: { default: { targets: ["a", "b"], firstTokenTimeoutMs: 1000 } },
    });
    const { estimatedUsd, promptUsd } = await costs(router);
    const call = track(
      router.chat({ messages, maxTokens: 100, budget: { maxCostUsd: estimatedUsd + promptUsd / 2 } }),
    );
    await vi.advanceTimersByTimeAsync(1000);
    expect(BudgetExceededError.isInstance(await call.error())).toBe(true);
    expect(b.count).toBe(0);
    await router.close();
  });

  it("lets unbilled failures retry within the same budget", async () => {
    const a = new Upstream("a", shape).replies(fail("server"), fail("server"), answer("third time"));
    const { router } = await startHarness({ targets: { a } });
    const { estimatedUsd } = await costs(router);
    const call = track(
      router.chat({ messages, maxTokens: 100, budget: { maxCostUsd: estimatedUsd * 1.01 } }),
    );
    await vi.advanceTimersByTimeAsync(750);
    const result = await call.promise;
    expect(result.text).toBe("third time");
    expect(result.costUsd).toBeLessThanOrEqual(estimatedUsd * 1.01);
    await router.close();
  });
});

/** What an answer bills: one prompt token and one output token, below any estimate with `maxTokens: 2`. */
const cheapUsage = { inputTokens: 1, outputTokens: 1 };
const small = { messages, maxTokens: 2 };

type HarnessRouter = Awaited<ReturnType<typeof startHarness>>["router"];

async function estimateOf(router: HarnessRouter, request: Parameters<HarnessRouter["explain"]>[0] = small) {
  const plan = await router.explain(request);
  return plan.ranked[0]?.estimatedCostUsd ?? Number.NaN;
}

/** Every attempt's cost, from the telemetry events (independent of the ledger). */
function spentOn(events: RouterEvent[], target?: string): number {
  return events
    .filter((event): event is Extract<RouterEvent, { type: "attempt" }> => event.type === "attempt")
    .filter((event) => target === undefined || event.target === target)
    .reduce((sum, event) => sum + event.costUsd, 0);
}

/** Runs `count` calls at once and waits for all of them. */
async function concurrently(count: number, call: () => Promise<ChatResult>) {
  const calls = Array.from({ length: count }, () => track(call()));
  await vi.advanceTimersByTimeAsync(0);
  return Promise.allSettled(calls.map((tracked) => tracked.promise));
}

function refusals(outcomes: PromiseSettledResult<ChatResult>[]): unknown[] {
  return outcomes.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason] : []));
}

describe("money under concurrency: every cap holds with 100 calls in flight", () => {
  const budgetKinds = [
    {
      name: "a route's daily budget",
      key: "route:default",
      setup: (dailyUsd: number) => ({ routes: { default: { targets: ["a"], budget: { dailyUsd } } } }),
      request: small,
    },
    {
      name: "a tag's daily budget",
      key: "tag:batch",
      setup: (dailyUsd: number) => ({ budgets: { tags: { batch: { dailyUsd } } } }),
      request: { ...small, tags: ["batch", "other"] },
    },
    {
      name: "a target's daily budget",
      key: "target:a",
      setup: (dailyUsd: number) => ({ budgets: { targets: { a: { dailyUsd } } } }),
      request: small,
    },
    {
      name: "a provider's daily budget",
      key: "provider:a-provider",
      setup: (dailyUsd: number) => ({ budgets: { providers: { "a-provider": { dailyUsd } } } }),
      request: small,
    },
  ];

  it.each(budgetKinds)(
    "holds the estimate before an attempt is sent, so $name is never overspent",
    async (kind) => {
      const a = new Upstream("a", openaiShape).replies(answer("ok", cheapUsage));
      const probe = await startHarness({ targets: { a } });
      const estimatedUsd = await estimateOf(probe.router, kind.request);
      await probe.router.close();
      const dailyUsd = estimatedUsd * 3.5;
      const { router, events, store } = await startHarness({ targets: { a }, ...kind.setup(dailyUsd) });
      const outcomes = await concurrently(100, () => router.chat(kind.request));
      const answered = outcomes.filter((outcome) => outcome.status === "fulfilled");
      expect(answered).toHaveLength(3);
      expect(a.count).toBe(3);
      expect(spentOn(events)).toBeLessThanOrEqual(dailyUsd);
      for (const error of refusals(outcomes)) {
        expect(error).toBeInstanceOf(BudgetExceededError);
        expect(error).toMatchObject({ budget: kind.key, limitUsd: dailyUsd, estimatedUsd });
      }
      // Settled: the ledger holds the real cost of what was sent, and no hold is left behind.
      const ledger = (await store.snapshot([], [kind.key])).spendUsd.get(kind.key) ?? 0;
      expect(ledger).toBeCloseTo(spentOn(events), 15);
      await router.close();
    },
  );

  it("keeps retries and mid-stream failures within a daily budget as well", async () => {
    const brokenStream = frames((wire) => [...wire.opening(["Hel"]), wire.errorEvent("overloaded")]);
    const a = new Upstream("a", openaiShape).replies(brokenStream);
    const b = new Upstream("b", openaiShape).replies(fail("server"), answer("ok", cheapUsage));
    const targets = { a, b };
    const probe = await startHarness({ targets });
    const estimatedUsd = await estimateOf(probe.router);
    await probe.router.close();
    const dailyUsd = estimatedUsd * 6.5;
    const { router, events, store } = await startHarness({
      targets,
      routes: { default: { targets: ["a", "b"], continueOnInterrupt: true, budget: { dailyUsd } } },
    });
    const calls = Array.from({ length: 100 }, () => track(router.stream(small).result));
    for (let step = 0; step < 20 && !calls.every((call) => call.settled); step++) {
      await vi.advanceTimersByTimeAsync(500);
    }
    const outcomes = await Promise.allSettled(calls.map((call) => call.promise));
    expect(
      outcomes.every(
        (outcome) => outcome.status === "fulfilled" || BudgetExceededError.isInstance(outcome.reason),
      ),
    ).toBe(true);
    expect(spentOn(events)).toBeGreaterThan(0);
    expect(spentOn(events)).toBeLessThanOrEqual(dailyUsd);
    const ledger = await store.snapshot([], ["route:default"]);
    expect(ledger.spendUsd.get("route:default")).toBeCloseTo(spentOn(events), 15);
    await router.close();
  });

  it("shifts traffic to the other targets once a target's budget is spent, saying which budget", async () => {
    const probe = await startHarness({ targets: { a: new Upstream("a", openaiShape) } });
    const { promptTokens } = (await probe.router.explain(small)).estimate;
    const dailyUsd = (await estimateOf(probe.router)) * 3.5;
    await probe.router.close();
    // Billed exactly as estimated, so three answers leave less than one estimate of a's budget.
    const billed = { inputTokens: promptTokens, outputTokens: 2 };
    const a = new Upstream("a", openaiShape).replies(answer("from a", billed));
    const b = new Upstream("b", openaiShape).replies(answer("from b", billed));
    const { router, events } = await startHarness({
      targets: { a, b },
      budgets: { targets: { a: { dailyUsd } } },
    });
    const outcomes = await concurrently(100, () => router.chat(small));
    expect(outcomes.every((outcome) => outcome.status === "fulfilled")).toBe(true);
    expect(a.count).toBe(3);
    expect(b.count).toBe(97);
    expect(spentOn(events, "a")).toBeLessThanOrEqual(dailyUsd);
    const later = await router.chat(small);
    expect(later.text).toBe("from b");
    expect(later.route.rejected).toEqual([
      expect.objectContaining({
        target: "a",
        policy: "cost",
        reason: expect.stringContaining('would take target "a" past its daily budget'),
        budget: expect.objectContaining({ budget: "target:a", limitUsd: dailyUsd }),
      }),
    ]);
    await router.close();
  });

  it("counts every replica of a target against that target's budget", async () => {
    const served: string[] = [];
    const setup = (budgets?: { targets: { small: { dailyUsd: number } } }) =>
      startHarness({
        targets: {},
        extraProviders: { gpus: { type: "local", model: "./models/tiny-llama.gguf" } },
        extraTargets: { small: { provider: "gpus", model: "tiny", price: { input: 1000, output: 1000 } } },
        routes: { default: { targets: ["small"], strategy: "least-loaded" } },
        providers: [replicatedProvider(served)],
        ...(budgets ? { budgets } : {}),
      });
    const probe = await setup();
    const estimatedUsd = await estimateOf(probe.router);
    await probe.router.close();
    const dailyUsd = estimatedUsd * 2.5;
    const { router, events } = await setup({ targets: { small: { dailyUsd } } });
    const outcomes = await concurrently(20, () => router.chat(small));
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(2);
    expect(served.sort()).toEqual(["gpu0", "gpu1"]);
    expect(spentOn(events)).toBeLessThanOrEqual(dailyUsd);
    expect(refusals(outcomes)[0]).toMatchObject({ budget: "target:small", limitUsd: dailyUsd });
    await router.close();
  });
});

describe("spent budgets end the call with BudgetExceededError", () => {
  it("names the daily budget the cost filter found spent, instead of NoEligibleTargetError", async () => {
    const a = new Upstream("a", openaiShape).replies(answer("ok"));
    const probe = await startHarness({ targets: { a } });
    const estimatedUsd = await estimateOf(probe.router);
    await probe.router.close();
    const dailyUsd = estimatedUsd * 1.5;
    const { router } = await startHarness({
      targets: { a },
      routes: { default: { targets: ["a"], budget: { dailyUsd } } },
    });
    await router.chat(small);
    const error = await track(router.chat(small)).error();
    expect(BudgetExceededError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ budget: "route:default", limitUsd: dailyUsd, estimatedUsd });
    expect((error as BudgetExceededError).trace?.rejected).toEqual([
      expect.objectContaining({ target: "a", policy: "cost" }),
    ]);
    expect(a.count).toBe(1);
    await router.close();
  });

  it("lets the route's fallback route serve a call whose route budget is spent", async () => {
    const a = new Upstream("a", openaiShape).replies(answer("from a"));
    const b = new Upstream("b", openaiShape).replies(answer("from b"));
    const probe = await startHarness({ targets: { a } });
    const dailyUsd = (await estimateOf(probe.router)) * 1.5;
    await probe.router.close();
    const { router } = await startHarness({
      targets: { a, b },
      routes: {
        default: { targets: ["a"], budget: { dailyUsd }, fallback: "spare" },
        spare: { targets: ["b"] },
      },
    });
    expect((await router.chat(small)).text).toBe("from a");
    const second = await router.chat(small);
    expect(second.text).toBe("from b");
    expect(second.route.rejected[0]).toMatchObject({ target: "a", budget: { budget: "route:default" } });
    await router.close();
  });

  it("records what a provider billed beyond the estimate truthfully, and stops the calls after it", async () => {
    const a = new Upstream("a", openaiShape).replies(answer("ok", { inputTokens: 5000, outputTokens: 2 }));
    const probe = await startHarness({ targets: { a } });
    const estimatedUsd = await estimateOf(probe.router);
    await probe.router.close();
    const dailyUsd = estimatedUsd * 10;
    const { router, store } = await startHarness({
      targets: { a },
      routes: { default: { targets: ["a"], budget: { dailyUsd } } },
    });
    const billed = await router.chat(small);
    const billedUsd = (5000 * testPrice.input + 2 * testPrice.output) / 1e6;
    expect(billed.costUsd).toBeCloseTo(billedUsd, 15);
    expect(billedUsd).toBeGreaterThan(dailyUsd);
    const ledger = await store.snapshot([], ["route:default", "target:a", "provider:a-provider"]);
    expect([...ledger.spendUsd.values()].map((usd) => usd.toFixed(12))).toEqual(
      Array(3).fill(billedUsd.toFixed(12)),
    );
    const outcomes = await concurrently(10, () => router.chat(small));
    expect(refusals(outcomes)).toHaveLength(10);
    expect(refusals(outcomes).every((error) => BudgetExceededError.isInstance(error))).toBe(true);
    expect(a.count).toBe(1);
    await router.close();
  });
});

describe("the stricter of request and route applies, in the filters and the attempt loop alike", () => {
  it("does not let a request raise the route's per-call cap over retries and fallbacks", async () => {
    const a = new Upstream("a", openaiShape).replies(hang());
    const b = new Upstream("b", openaiShape).replies(answer("from b"));
    const probe = await startHarness({ targets: { a } });
    const estimatedUsd = await estimateOf(probe.router);
    await probe.router.close();
    const routeCapUsd = estimatedUsd * 1.5;
    const { router, events } = await startHarness({
      targets: { a, b },
      routes: {
        default: { targets: ["a", "b"], firstTokenTimeoutMs: 1000, budget: { maxCostUsd: routeCapUsd } },
      },
    });
    const call = track(router.chat({ ...small, budget: { maxCostUsd: 1 } }));
    await vi.advanceTimersByTimeAsync(10_000);
    const error = await call.error();
    expect(error).toMatchObject({ name: "BudgetExceededError", budget: "call", limitUsd: routeCapUsd });
    expect(a.count).toBe(1);
    expect(b.count).toBe(0);
    expect(spentOn(events)).toBeLessThanOrEqual(routeCapUsd);
    await router.close();
  });

  it.each([
    { name: "timeoutMs", request: { timeoutMs: 600_000 }, route: { timeoutMs: 2000 } },
    { name: "slo.totalMs", request: { slo: { totalMs: 600_000 } }, route: { slo: { totalMs: 2000 } } },
  ])("does not let a request's $name extend the route's deadline", async ({ request, route }) => {
    const a = new Upstream("a", openaiShape).replies(hang());
    const { router } = await startHarness({
      targets: { a },
      routes: { default: { targets: ["a"], ...route } },
    });
    const call = track(router.chat({ ...small, ...request }));
    await vi.advanceTimersByTimeAsync(2000);
    const error = await call.error();
    expect(DeadlineExceededError.isInstance(error)).toBe(true);
    expect((error as DeadlineExceededError).timeoutMs).toBe(2000);
    await router.close();
  });
});
