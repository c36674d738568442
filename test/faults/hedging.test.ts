import { getEventListeners } from "node:events";
import { describe, expect, it, vi } from "vitest";
import { AbortedError, AllTargetsFailedError, type StreamPart } from "../../index.js";
import type { PolicyFile } from "../../src/config/index.js";
import type { RouterEvent } from "../../src/router/routing-context.js";
import { useMswServer } from "../support/msw-server.js";
import { startHarness, track, useFakeClock } from "./support/fault-harness.js";
import { providerShapes } from "./support/provider-shapes.js";
import { answer, fail, hang, type Reply, timed } from "./support/replies.js";
import { Upstream } from "./support/upstream.js";

useMswServer();
useFakeClock();

const messages = [{ role: "user" as const, content: "hi" }];
type RouteFile = PolicyFile["routes"][string];
const hedged = (
  targets: string[],
  hedge: RouteFile["hedge"] = { enabled: true, delayMs: 1000 },
): RouteFile => ({
  targets,
  hedge,
});
const hedgeEvents = (events: RouterEvent[]) => events.filter((event) => event.type === "hedge");

/** A complete answer whose first token arrives `afterMs` into the response. */
const answerAfter = (afterMs: number, text: string): Reply =>
  timed((wire) =>
    [...wire.opening([text]), ...wire.closing({ inputTokens: 9, outputTokens: 2 })].map((frame) => ({
      atMs: afterMs,
      frame,
    })),
  );

describe.each(providerShapes)("hedged requests ($name)", (shape) => {
  it("sends one hedge after the delay; the first token wins and the loser is cancelled and recorded", async () => {
    const a = new Upstream("a", shape).replies(answerAfter(5000, "slow"));
    const b = new Upstream("b", shape).replies(answer("fast"));
    const { router, events } = await startHarness({
      targets: { a, b },
      routes: { default: hedged(["a", "b"]) },
    });
    const stream = router.stream({ messages });
    const parts: StreamPart[] = [];
    const reading = track(
      (async () => {
        for await (const part of stream) parts.push(part);
      })(),
    );
    await vi.advanceTimersByTimeAsync(999);
    expect(b.count).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    await reading.promise;
    const result = await stream.result;
    expect(result.text).toBe("fast");
    expect(parts.map((part) => (part.type === "text-delta" ? part.text : part.type))).toEqual([
      "fa",
      "st",
      "finish",
    ]);
    expect(result.route.target).toBe("b");
    expect(a.cancelled).toBe(1);
    expect(b.cancelled).toBe(0);
    const [lost, won] = result.route.attempts;
    expect(lost).toMatchObject({ target: "a", outcome: "aborted", possiblyBilled: true });
    expect(lost?.errorMessage).toContain("answered first");
    expect(lost?.costUsd).toBeGreaterThan(0);
    expect(won).toMatchObject({ target: "b", outcome: "success" });
    expect(result.costUsd).toBeCloseTo((lost?.costUsd ?? 0) + (won?.costUsd ?? 0), 15);
    expect(hedgeEvents(events)).toEqual([
      { type: "hedge", callId: expect.any(String), route: "default", target: "a", hedge: "b", delayMs: 1000 },
    ]);
    await router.close();
  });

  it("keeps the primary when its first token beats the hedge's", async () => {
    const a = new Upstream("a", shape).replies(answerAfter(1500, "primary"));
    const b = new Upstream("b", shape).replies(answerAfter(3000, "hedge"));
    const { router } = await startHarness({ targets: { a, b }, routes: { default: hedged(["a", "b"]) } });
    const call = track(router.stream({ messages }).result);
    await vi.advanceTimersByTimeAsync(1500);
    const result = await call.promise;
    expect(result.text).toBe("primary");
    expect(b.count).toBe(1);
    expect(b.cancelled).toBe(1);
    expect(result.route.attempts.map((attempt) => [attempt.target, attempt.outcome])).toEqual([
      ["b", "aborted"],
      ["a", "success"],
    ]);
    await router.close();
  });

  it("hedges a non-streaming call: the first complete answer wins", async () => {
    const a = new Upstream("a", shape).replies(hang());
    const b = new Upstream("b", shape).replies(answer("from b"));
    const { router } = await startHarness({ targets: { a, b }, routes: { default: hedged(["a", "b"]) } });
    const call = track(router.chat({ messages }));
    await vi.advanceTimersByTimeAsync(1000);
    expect((await call.promise).text).toBe("from b");
    expect(a.cancelled).toBe(1);
    await router.close();
  });

  it("sends no hedge when the primary's first token comes before the delay", async () => {
    const a = new Upstream("a", shape).replies(answerAfter(500, "primary"));
    const b = new Upstream("b", shape).replies(answer("hedge"));
    const { router, events } = await startHarness({
      targets: { a, b },
      routes: { default: hedged(["a", "b"]) },
    });
    const call = track(router.stream({ messages }).result);
    await vi.advanceTimersByTimeAsync(5000);
    expect((await call.promise).text).toBe("primary");
    expect(b.count).toBe(0);
    expect(hedgeEvents(events)).toEqual([]);
    await router.close();
  });

  it("waits about the primary's p95 time to first token once it has statistics", async () => {
    const a = new Upstream("a", shape).replies(
      answerAfter(400, "warm"),
      answerAfter(400, "warm"),
      answerAfter(400, "warm"),
      answerAfter(5000, "slow"),
    );
    const b = new Upstream("b", shape).replies(answer("fast"));
    const { router, events } = await startHarness({
      targets: { a, b },
      routes: { default: hedged(["a", "b"], { enabled: true, delayMs: 3000 }) },
    });
    for (let warm = 0; warm < 3; warm++) {
      const call = track(router.stream({ messages }).result);
      await vi.advanceTimersByTimeAsync(400);
      await call.promise;
    }
    const call = track(router.stream({ messages }).result);
    await vi.advanceTimersByTimeAsync(600);
    expect((await call.promise).text).toBe("fast");
    const [event] = hedgeEvents(events);
    expect(event && "delayMs" in event ? event.delayMs : 0).toBeGreaterThanOrEqual(370);
    expect(event && "delayMs" in event ? event.delayMs : 0).toBeLessThanOrEqual(460);
    await router.close();
  });

  it("skips the hedge when its estimated cost is above the route's cap", async () => {
    const a = new Upstream("a", shape).replies(answerAfter(3000, "primary"));
    const b = new Upstream("b", shape).replies(answer("expensive"));
    const { router, events } = await startHarness({
      targets: { a, b: { upstream: b, price: { input: 100, output: 1000 } } },
      routes: { default: hedged(["a", "b"], { enabled: true, delayMs: 1000, maxExtraCostUsd: 0.05 }) },
    });
    const call = track(router.stream({ messages, maxTokens: 100 }).result);
    await vi.advanceTimersByTimeAsync(3000);
    expect((await call.promise).text).toBe("primary");
    expect(b.count).toBe(0);
    expect(hedgeEvents(events)).toEqual([]);
    await router.close();
  });

  it("sends at most one hedge per call and keeps walking the chain when both lanes fail", async () => {
    const a = { upstream: new Upstream("a", shape).replies(hang()), maxAttempts: 1 };
    const b = { upstream: new Upstream("b", shape).replies(hang()), maxAttempts: 1 };
    const c = { upstream: new Upstream("c", shape).replies(hang()), maxAttempts: 1 };
    const d = { upstream: new Upstream("d", shape).replies(fail("server")), maxAttempts: 1 };
    const { router, events } = await startHarness({
      targets: { a, b, c, d },
      routes: { default: { ...hedged(["a", "b", "c", "d"]), firstTokenTimeoutMs: 2000 } },
    });
    const call = track(router.stream({ messages }).result);
    await vi.advanceTimersByTimeAsync(6000);
    const error = await call.error();
    expect(AllTargetsFailedError.isInstance(error)).toBe(true);
    expect([a, b, c, d].map((target) => target.upstream.count)).toEqual([1, 1, 1, 1]);
    expect(hedgeEvents(events)).toHaveLength(1);
    expect((error as AllTargetsFailedError).trace.attempts.map((attempt) => attempt.target)).toEqual([
      "a",
      "b",
      "c",
      "d",
    ]);
    await router.close();
  });

  it("cancels both lanes when the caller aborts mid-race, leaving no listener", async () => {
    const a = new Upstream("a", shape).replies(hang());
    const b = new Upstream("b", shape).replies(hang());
    const { router } = await startHarness({ targets: { a, b }, routes: { default: hedged(["a", "b"]) } });
    const controller = new AbortController();
    const call = track(router.stream({ messages, signal: controller.signal }).result);
    await vi.advanceTimersByTimeAsync(1500);
    controller.abort();
    expect(AbortedError.isInstance(await call.error())).toBe(true);
    expect([a.cancelled, b.cancelled]).toEqual([1, 1]);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    await router.close();
  });

  it("is off unless the route enables it", async () => {
    const a = new Upstream("a", shape).replies(answerAfter(5000, "primary"));
    const b = new Upstream("b", shape).replies(answer("hedge"));
    const { router } = await startHarness({ targets: { a, b } });
    const call = track(router.stream({ messages }).result);
    await vi.advanceTimersByTimeAsync(5000);
    expect((await call.promise).text).toBe("primary");
    expect(b.count).toBe(0);
    await router.close();
  });
});
