import { describe, expect, it, vi } from "vitest";
import { DeadlineExceededError, NoEligibleTargetError } from "../../index.js";
import { useMswServer } from "../support/msw-server.js";
import { startHarness, track, useFakeClock } from "./support/fault-harness.js";
import { openaiShape } from "./support/provider-shapes.js";
import { answer, fail, hang } from "./support/replies.js";
import { Upstream } from "./support/upstream.js";

useMswServer();
useFakeClock();

const messages = [{ role: "user" as const, content: "hi" }];
/** Runs calls to their end, moving the clock a few ms at a time: Bottleneck admits through short timers. */
async function settled<T>(promise: Promise<T>): Promise<T> {
  const call = track(promise);
  while (!call.settled) await vi.advanceTimersByTimeAsync(5);
  return call.promise;
}

/** Far shorter than any pause here: the call did not wait on a limiter or a retry-after. */
const noWaitMs = 100;

const limited = (seconds: string) => fail("rate-limit", { headers: { "retry-after": seconds } });

describe("a 429 pauses its target for every call, and the router skips it while another target can answer", () => {
  it("fails over at once on a 429 while another target is healthy", async () => {
    const a = new Upstream("a", openaiShape).replies(limited("5"), answer("from a"));
    const b = new Upstream("b", openaiShape).replies(answer("from b"));
    const { router } = await startHarness({ targets: { a, b } });
    const started = Date.now();
    const result = await router.chat({ messages });
    expect(Date.now()).toBe(started);
    expect(result.text).toBe("from b");
    expect(a.count).toBe(1);
    expect(result.route.paused).toEqual([
      { target: "a", until: started + 5000, reason: "retry-after", action: "skipped" },
    ]);
    await router.close();
  });

  it("sends the next 100 concurrent calls past the paused primary until the pause ends, then back to it", async () => {
    const a = new Upstream("a", openaiShape).replies(limited("5"), answer("from a"));
    const b = new Upstream("b", openaiShape).replies(answer("from b"));
    const { router } = await startHarness({ targets: { a, b } });
    const started = Date.now();
    await router.chat({ messages });
    const results = await Promise.all(Array.from({ length: 100 }, () => router.chat({ messages })));
    expect(Date.now()).toBe(started);
    expect(a.count).toBe(1);
    expect(new Set(results.map((result) => result.text))).toEqual(new Set(["from b"]));
    for (const result of results) {
      expect(result.route.ranked).toEqual(["b", "a"]);
      expect(result.route.paused).toEqual([
        { target: "a", until: started + 5000, reason: "retry-after", action: "skipped" },
      ]);
    }
    await vi.advanceTimersByTimeAsync(5000);
    const back = await router.chat({ messages });
    expect(back.text).toBe("from a");
    expect(back.route.paused).toBeUndefined();
    expect(a.count).toBe(2);
    await router.close();
  });

  it("skips a paused target that has rpm limits as it skips one without limits", async () => {
    const a = { upstream: new Upstream("a", openaiShape).replies(limited("5")), limits: { rpm: 100 } };
    const b = new Upstream("b", openaiShape).replies(answer("from b"));
    const { router } = await startHarness({ targets: { a, b } });
    const started = Date.now();
    await settled(router.chat({ messages }));
    const results = await settled(Promise.all(Array.from({ length: 10 }, () => router.chat({ messages }))));
    expect(Date.now() - started).toBeLessThan(noWaitMs);
    expect(a.upstream.count).toBe(1);
    expect(results.every((result) => result.text === "from b")).toBe(true);
    await router.close();
  });

  it("skips a target over its rpm at once while another target is eligible", async () => {
    const a = { upstream: new Upstream("a", openaiShape).replies(answer("from a")), limits: { rpm: 1 } };
    const b = new Upstream("b", openaiShape).replies(answer("from b"));
    const { router } = await startHarness({ targets: { a, b } });
    const started = Date.now();
    expect((await settled(router.chat({ messages }))).text).toBe("from a");
    const second = await settled(router.chat({ messages }));
    expect(Date.now() - started).toBeLessThan(noWaitMs);
    expect(second.text).toBe("from b");
    expect(second.route.paused).toEqual([
      { target: "a", until: expect.any(Number), reason: "rate-limit", action: "skipped" },
    ]);
    // Until its rpm window refills, a minute after it opened.
    expect(second.route.paused?.[0]?.until).toBeGreaterThan(started + 60_000 - noWaitMs);
    expect(a.upstream.count).toBe(1);
    await router.close();
  });

  it("waits on the only target's pause when no other target remains, then answers", async () => {
    const a = {
      upstream: new Upstream("a", openaiShape).replies(limited("5"), answer("late")),
      maxAttempts: 1,
    };
    const { router } = await startHarness({ targets: { a } });
    const started = Date.now();
    await track(router.chat({ messages })).error();
    const call = track(router.chat({ messages, timeoutMs: 10_000 }));
    await vi.advanceTimersByTimeAsync(4999);
    expect(call.settled).toBe(false);
    expect(a.upstream.count).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    const result = await call.promise;
    expect(result.text).toBe("late");
    expect(a.upstream.calls[1]?.at).toBe(started + 5000);
    expect(result.route.paused).toEqual([
      { target: "a", until: started + 5000, reason: "retry-after", action: "waited" },
    ]);
    await router.close();
  });

  it("ends in a typed error at once when the only target's pause outlasts the deadline", async () => {
    const a = { upstream: new Upstream("a", openaiShape).replies(limited("5")), maxAttempts: 1 };
    const { router } = await startHarness({ targets: { a } });
    await track(router.chat({ messages })).error();
    const started = Date.now();
    const error = await track(router.chat({ messages, timeoutMs: 2000 })).error();
    expect(Date.now()).toBe(started);
    expect(NoEligibleTargetError.isInstance(error)).toBe(true);
    expect((error as NoEligibleTargetError).rejected).toEqual([
      expect.objectContaining({ target: "a", policy: "rate-limit" }),
    ]);
    expect(a.upstream.count).toBe(1);
    await router.close();
  });

  it("waits on the only target no longer than the deadline, then ends in a deadline error", async () => {
    const a = new Upstream("a", openaiShape).replies(limited("3"), hang());
    const { router } = await startHarness({ targets: { a } });
    const started = Date.now();
    const call = track(router.chat({ messages, timeoutMs: 4000 }));
    await vi.advanceTimersByTimeAsync(4000);
    const error = await call.error();
    expect(DeadlineExceededError.isInstance(error)).toBe(true);
    expect(Date.now()).toBe(started + 4000);
    expect(a.calls.map((request) => request.at - started)).toEqual([0, 3000]);
    await router.close();
  });
});
