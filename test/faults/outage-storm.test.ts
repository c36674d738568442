import { describe, expect, it, vi } from "vitest";
import { NoEligibleTargetError, QueueFullError, SwitchyardError } from "../../index.js";
import { useMswServer } from "../support/msw-server.js";
import { flush, startHarness, track, useFakeClock } from "./support/fault-harness.js";
import { anthropicShape, openaiShape } from "./support/provider-shapes.js";
import { fail, type Reply } from "./support/replies.js";
import { Upstream } from "./support/upstream.js";

useMswServer();
useFakeClock();

const messages = [{ role: "user" as const, content: "hi" }];
const calls = 1000;
const limits = { maxConcurrent: 50, maxQueue: 100 };

/** Waits on the fake clock (the global setTimeout is faked; node:timers/promises is not). */
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Fails after 100 ms of fake time, counting how many requests it holds at once. */
function slowOutage(reply: Reply) {
  const load = { inFlight: 0, peak: 0 };
  const slow: Reply = async (call, shape) => {
    load.inFlight++;
    load.peak = Math.max(load.peak, load.inFlight);
    try {
      await delay(100);
      return await reply(call, shape);
    } finally {
      load.inFlight--;
    }
  };
  return { load, slow };
}

describe("scenario 21: 1,000 concurrent calls during a full outage", () => {
  it("keeps retries within 20% of traffic, opens the breakers and bounds the limiter queues", async () => {
    const outageA = slowOutage(fail("unavailable"));
    const outageB = slowOutage(fail("overloaded"));
    const a = new Upstream("a", openaiShape).replies(outageA.slow);
    const b = new Upstream("b", anthropicShape).replies(outageB.slow);
    const { router, events, store } = await startHarness({
      targets: { a: { upstream: a, limits }, b: { upstream: b, limits } },
    });
    const outcomes = Array.from({ length: calls }, () => track(router.chat({ messages, timeoutMs: 30_000 })));
    // Every call settles by its 30 s deadline at the latest; the clock stops once all have.
    for (let elapsed = 0; elapsed < 35_000 && outcomes.some((outcome) => !outcome.settled); elapsed += 100) {
      await flush();
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(outcomes.filter((outcome) => !outcome.settled)).toHaveLength(0);
    const errors = await Promise.all(outcomes.map((outcome) => outcome.error()));
    expect(errors.every((error) => SwitchyardError.isInstance(error))).toBe(true);

    const upstreamRequests = a.count + b.count;
    const retries = events.filter((event) => event.type === "retry").length;
    expect(retries).toBeGreaterThan(0);
    expect(retries).toBeLessThanOrEqual(0.2 * upstreamRequests);
    expect(upstreamRequests).toBeLessThanOrEqual(2 * (limits.maxConcurrent + limits.maxQueue) + retries);
    expect(outageA.load.peak).toBeLessThanOrEqual(limits.maxConcurrent);
    expect(outageB.load.peak).toBeLessThanOrEqual(limits.maxConcurrent);
    // Calls that every full limiter queue turned away are told so (QueueFullError), not "no target".
    const queueRejections = errors.filter(
      (error) =>
        QueueFullError.isInstance(error) &&
        (error.trace?.rejected ?? []).some((rejection) => rejection.policy === "rate-limit"),
    );
    expect(queueRejections.length).toBeGreaterThan(0);

    const snapshot = await store.snapshot(["a", "b"], []);
    expect(snapshot.health.get("a")?.breaker).toBe("open");
    expect(snapshot.health.get("b")?.breaker).toBe("open");
    const before = upstreamRequests;
    const next = await track(router.chat({ messages })).error();
    expect(NoEligibleTargetError.isInstance(next)).toBe(true);
    expect((next as NoEligibleTargetError).rejected.map((rejection) => rejection.policy)).toEqual([
      "health",
      "health",
    ]);
    expect(a.count + b.count).toBe(before);
    await router.close();
  }, 60_000);
});
