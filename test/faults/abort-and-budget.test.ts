import { getEventListeners } from "node:events";
import { describe, expect, it, vi } from "vitest";
import { AbortedError, BudgetExceededError, type StreamPart } from "../../index.js";
import { useMswServer } from "../support/msw-server.js";
import { startHarness, testPrice, track, useFakeClock } from "./support/fault-harness.js";
import { providerShapes } from "./support/provider-shapes.js";
import { answer, fail, hang, timed } from "./support/replies.js";
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
    return { estimatedUsd, promptUsd: (plan.estimate.promptTokens * testPrice.input) / 1e6 };
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
