import { describe, expect, it, vi } from "vitest";
import { DeadlineExceededError } from "../../index.js";
import { useMswServer } from "../support/msw-server.js";
import { startHarness, track, useFakeClock } from "./support/fault-harness.js";
import { providerShapes } from "./support/provider-shapes.js";
import { answer, hang } from "./support/replies.js";
import { Upstream } from "./support/upstream.js";

useMswServer();
useFakeClock();

const messages = [{ role: "user" as const, content: "hi" }];

describe.each(providerShapes)("per-target timeouts ($name)", (shape) => {
  it("gives up on a target after its own first-token timeout, shorter than the route's", async () => {
    const slow = new Upstream("slow", shape).replies(hang());
    const quick = new Upstream("quick", shape).replies(answer("from quick"));
    const { router } = await startHarness({
      targets: { slow: { upstream: slow, firstTokenTimeoutMs: 500, maxAttempts: 1 }, quick },
      routes: { default: { targets: ["slow", "quick"], firstTokenTimeoutMs: 30_000 } },
    });
    const call = track(router.chat({ messages }));
    await vi.advanceTimersByTimeAsync(499);
    expect(slow.calls[0]?.signal.aborted).toBe(false);
    expect(quick.count).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    const result = await call.promise;
    expect(result.text).toBe("from quick");
    expect(result.route.attempts.map((attempt) => [attempt.target, attempt.errorKind])).toEqual([
      ["slow", "timeout"],
      ["quick", undefined],
    ]);
    await router.close();
  });

  it("waits longer on a target whose first-token timeout exceeds the route's", async () => {
    const a = new Upstream("a", shape).replies(hang());
    const { router } = await startHarness({
      targets: { a: { upstream: a, firstTokenTimeoutMs: 5000, maxAttempts: 1 } },
      routes: { default: { targets: ["a"], firstTokenTimeoutMs: 1000 } },
    });
    const call = track(router.chat({ messages }));
    await vi.advanceTimersByTimeAsync(4999);
    expect(a.calls[0]?.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await call.error();
    expect(a.calls[0]?.signal.aborted).toBe(true);
    await router.close();
  });

  it("never outlives the call's deadline, however long the target's timeout", async () => {
    const a = new Upstream("a", shape).replies(hang());
    const { router } = await startHarness({
      targets: { a: { upstream: a, firstTokenTimeoutMs: 60_000 } },
      routes: { default: { targets: ["a"], timeoutMs: 2000 } },
    });
    const call = track(router.chat({ messages }));
    await vi.advanceTimersByTimeAsync(2000);
    const error = await call.error();
    expect(DeadlineExceededError.isInstance(error)).toBe(true);
    expect(a.calls[0]?.signal.aborted).toBe(true);
    await router.close();
  });
});
