import { getEventListeners } from "node:events";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { QueueFullError, RouterClosedError } from "../core/index.js";
import { LimiterWaitError } from "./limiter-wait-error.js";
import { TargetLimiter } from "./target-limiter.js";

/** Lets Bottleneck's zero-delay timers and the promise chains behind them run. */
const settle = () => vi.advanceTimersByTimeAsync(5);

/** Starts an acquire and records when it is admitted or rejected. */
function track(promise: Promise<() => void>) {
  const state: { release?: () => void; error?: unknown } = {};
  promise.then(
    (release) => {
      state.release = release;
    },
    (error: unknown) => {
      state.error = error;
    },
  );
  return state;
}

let limiter: TargetLimiter | undefined;

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});

afterEach(() => {
  limiter?.close();
  limiter = undefined;
  vi.useRealTimers();
});

describe("TargetLimiter", () => {
  it("admits calls at once when the target has no limits", async () => {
    limiter = new TargetLimiter("open");
    const calls = Array.from({ length: 50 }, () => track(limiter!.acquire()));
    await settle();
    expect(calls.every((call) => call.release)).toBe(true);
  });

  it("admits a call far from its limits without any timer: the counters are checked synchronously", async () => {
    limiter = new TargetLimiter("t", { rpm: 1000, tpm: 1_000_000, maxConcurrent: 50 });
    const call = track(limiter.acquire({ weight: 500 }));
    // Microtasks only: no fake timer is advanced.
    await Promise.resolve();
    expect(call.release).toBeTypeOf("function");
    expect(vi.getTimerCount()).toBe(1); // the refill interval, nothing per call
  });

  it("stays exact when 100 concurrent calls cross every limit: never more than rpm, tpm or maxConcurrent", async () => {
    limiter = new TargetLimiter("t", { rpm: 30, tpm: 2_500, maxConcurrent: 4, maxQueue: 200 });
    let running = 0;
    let mostRunning = 0;
    let admitted = 0;
    let tokens = 0;
    const calls = Array.from({ length: 100 }, () =>
      limiter!.acquire({ weight: 100 }).then(async (release) => {
        admitted += 1;
        tokens += 100;
        running += 1;
        mostRunning = Math.max(mostRunning, running);
        await new Promise((resolve) => setTimeout(resolve, 10));
        running -= 1;
        release();
      }),
    );
    await vi.advanceTimersByTimeAsync(30_000);
    // The first minute: capped by tpm (25 calls of 100 tokens) before rpm (30).
    expect(admitted).toBe(25);
    expect(tokens).toBeLessThanOrEqual(2_500);
    expect(mostRunning).toBeLessThanOrEqual(4);
    // The refill at one minute, then 25 calls of 10 ms four at a time.
    await vi.advanceTimersByTimeAsync(31_000);
    expect(admitted).toBe(50);
    await vi.advanceTimersByTimeAsync(120_000);
    await Promise.all(calls);
    expect(admitted).toBe(100);
    expect(mostRunning).toBe(4);
  });

  it("drains a long queue after a pause without growing the stack", async () => {
    limiter = new TargetLimiter("t", { maxQueue: 20_000 });
    limiter.penalize(1000);
    const calls = Array.from({ length: 20_000 }, () => track(limiter!.acquire()));
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls.every((call) => call.release)).toBe(true);
  });

  it("admits at most rpm calls per minute and the rest after the refill", async () => {
    limiter = new TargetLimiter("t", { rpm: 2 });
    const calls = [1, 2, 3].map(() => track(limiter!.acquire()));
    await settle();
    expect(calls.map((call) => Boolean(call.release))).toEqual([true, true, false]);
    for (const call of calls) call.release?.();
    await vi.advanceTimersByTimeAsync(59_000);
    expect(calls[2]?.release).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls[2]?.release).toBeTypeOf("function");
  });

  it("refuses a noWait call at once with LimiterWaitError when the window is full, queueing nothing", async () => {
    limiter = new TargetLimiter("t", { rpm: 2 });
    const admitted = [1, 2].map(() => track(limiter!.acquire({ noWait: true })));
    await settle();
    expect(admitted.every((call) => call.release)).toBe(true);
    const refused = track(limiter.acquire({ noWait: true }));
    await settle();
    expect(refused.error).toBeInstanceOf(LimiterWaitError);
    expect(refused.error).toMatchObject({ target: "t" });
    expect((refused.error as LimiterWaitError).waitMs).toBeGreaterThan(0);
    expect(limiter.waiting).toBe(0);
  });

  it("holds calls beyond maxConcurrent until a running call releases its slot", async () => {
    limiter = new TargetLimiter("t", { maxConcurrent: 1 });
    const first = track(limiter.acquire());
    const second = track(limiter.acquire());
    await settle();
    expect(second.release).toBeUndefined();
    first.release?.();
    first.release?.();
    await settle();
    expect(second.release).toBeTypeOf("function");
    const third = track(limiter.acquire());
    await settle();
    expect(third.release).toBeUndefined();
  });

  it("runs a scheduled function once admitted and frees the slot even when it throws", async () => {
    limiter = new TargetLimiter("t", { maxConcurrent: 1 });
    const failing = limiter.schedule(() => Promise.reject(new Error("boom")));
    const next = limiter.schedule(async () => "answer");
    const failed = expect(failing).rejects.toThrow("boom");
    await settle();
    await failed;
    await expect(next).resolves.toBe("answer");
  });

  it("rejects with QueueFullError once maxQueue callers wait", async () => {
    limiter = new TargetLimiter("busy", { maxConcurrent: 1, maxQueue: 2 });
    track(limiter.acquire());
    await settle();
    const waiting = [track(limiter.acquire()), track(limiter.acquire())];
    await expect(limiter.acquire()).rejects.toSatisfy(
      (error: unknown) => QueueFullError.isInstance(error) && error.target === "busy" && error.limit === 2,
    );
    expect(limiter.waiting).toBe(2);
    expect(waiting.every((call) => call.error === undefined)).toBe(true);
  });

  it("takes an aborted waiter out of the queue at once and leaves no listener on its signal", async () => {
    limiter = new TargetLimiter("t", { maxConcurrent: 1, maxQueue: 2 });
    track(limiter.acquire());
    await settle();
    const controller = new AbortController();
    track(limiter.acquire());
    const aborted = track(limiter.acquire({ signal: controller.signal }));
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
    controller.abort(new Error("caller gave up"));
    await settle();
    expect(aborted.error).toMatchObject({ message: "caller gave up" });
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    expect(limiter.waiting).toBe(1);
    track(limiter.acquire());
    expect(limiter.waiting).toBe(2);
  });

  it("removes the listener of an admitted caller", async () => {
    limiter = new TargetLimiter("t", { rpm: 10 });
    const controller = new AbortController();
    const call = track(limiter.acquire({ signal: controller.signal }));
    await settle();
    expect(call.release).toBeTypeOf("function");
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("refuses a caller whose signal is already aborted without queueing it", async () => {
    limiter = new TargetLimiter("t", { maxConcurrent: 1 });
    const controller = new AbortController();
    controller.abort(new Error("too late"));
    await expect(limiter.acquire({ signal: controller.signal })).rejects.toThrow("too late");
    expect(limiter.waiting).toBe(0);
  });

  it("gives back the reservation of a caller aborted while Bottleneck held it", async () => {
    limiter = new TargetLimiter("t", { rpm: 1 });
    track(limiter.acquire());
    await settle();
    const controller = new AbortController();
    const abandoned = track(limiter.acquire({ signal: controller.signal }));
    const behind = track(limiter.acquire());
    await settle();
    controller.abort(new Error("gone"));
    await settle();
    expect(abandoned.error).toMatchObject({ message: "gone" });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(behind.release).toBeTypeOf("function");
  });

  it("admits nobody until retry-after has passed after a 429", async () => {
    limiter = new TargetLimiter("t");
    limiter.penalize(2000);
    const call = track(limiter.acquire());
    await vi.advanceTimersByTimeAsync(1990);
    expect(call.release).toBeUndefined();
    expect(limiter.expectedWaitMs()).toBe(10);
    await vi.advanceTimersByTimeAsync(20);
    expect(call.release).toBeTypeOf("function");
  });

  it("holds a caller that was waiting for capacity when the 429 arrived", async () => {
    limiter = new TargetLimiter("t", { maxConcurrent: 1 });
    const first = track(limiter.acquire());
    const second = track(limiter.acquire());
    await settle();
    limiter.penalize(3000);
    first.release?.();
    await vi.advanceTimersByTimeAsync(2900);
    expect(second.release).toBeUndefined();
    await vi.advanceTimersByTimeAsync(200);
    expect(second.release).toBeTypeOf("function");
  });

  it("weighs calls by their token reservation against tpm", async () => {
    limiter = new TargetLimiter("t", { tpm: 1000 });
    const first = track(limiter.acquire({ weight: 600 }));
    const second = track(limiter.acquire({ weight: 600 }));
    await settle();
    expect(first.release).toBeTypeOf("function");
    expect(second.release).toBeUndefined();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(second.release).toBeTypeOf("function");
  });

  it("gives unused reserved tokens back when the real usage is known", async () => {
    limiter = new TargetLimiter("t", { tpm: 1000 });
    const first = track(limiter.acquire({ weight: 600 }));
    const second = track(limiter.acquire({ weight: 600 }));
    await settle();
    first.release?.();
    limiter.correct(600, 250);
    await settle();
    expect(second.release).toBeTypeOf("function");
  });

  it("charges tokens used beyond the reservation", async () => {
    limiter = new TargetLimiter("t", { tpm: 1000 });
    const first = track(limiter.acquire({ weight: 300 }));
    await settle();
    limiter.correct(300, 900);
    const second = track(limiter.acquire({ weight: 200 }));
    await settle();
    expect(first.release).toBeTypeOf("function");
    expect(second.release).toBeUndefined();
    expect(limiter.expectedWaitMs(200)).toBeGreaterThan(59_000);
  });

  it("admits a reservation larger than tpm in a fresh minute instead of never", async () => {
    limiter = new TargetLimiter("t", { tpm: 1000 });
    const huge = track(limiter.acquire({ weight: 5000 }));
    await settle();
    expect(huge.release).toBeTypeOf("function");
  });

  it("expects no wait while capacity is free", () => {
    limiter = new TargetLimiter("t", { rpm: 10, tpm: 10_000, maxConcurrent: 4 });
    expect(limiter.expectedWaitMs(500)).toBe(0);
  });

  it("expects a wait until the next refill once the minute's requests are spent", async () => {
    limiter = new TargetLimiter("t", { rpm: 1 });
    track(limiter.acquire());
    await vi.advanceTimersByTimeAsync(20_000);
    expect(limiter.expectedWaitMs()).toBe(40_000);
    track(limiter.acquire());
    expect(limiter.expectedWaitMs()).toBe(100_000);
  });

  it("expects callers beyond maxConcurrent to wait about one call length per round", async () => {
    limiter = new TargetLimiter("t", { maxConcurrent: 2 });
    const calls = [track(limiter.acquire()), track(limiter.acquire())];
    await settle();
    expect(limiter.expectedWaitMs()).toBeGreaterThan(0);
    await vi.advanceTimersByTimeAsync(3000);
    for (const call of calls) call.release?.();
    const busy = [track(limiter.acquire()), track(limiter.acquire())];
    await settle();
    expect(busy.every((call) => call.release)).toBe(true);
    // Average call length moved from the assumed 1000 ms towards the observed ~3000 ms.
    expect(limiter.expectedWaitMs()).toBeGreaterThan(1000);
  });

  it("rejects every waiter and every later caller with a RouterClosedError when closed", async () => {
    limiter = new TargetLimiter("t", { maxConcurrent: 1, rpm: 10 });
    track(limiter.acquire());
    const waiting = [track(limiter.acquire()), track(limiter.acquire())];
    await settle();
    limiter.close();
    await settle();
    expect(waiting.every((call) => RouterClosedError.isInstance(call.error))).toBe(true);
    await expect(limiter.acquire()).rejects.toSatisfy(RouterClosedError.isInstance);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("rejects the waiters with the reason it is closed with", async () => {
    limiter = new TargetLimiter("t", { maxConcurrent: 1 });
    track(limiter.acquire());
    const waiting = track(limiter.acquire());
    const reason = new RouterClosedError();
    limiter.close(reason);
    await settle();
    expect(waiting.error).toBe(reason);
    await expect(limiter.acquire()).rejects.toBe(reason);
  });

  it("rejects at once a caller admitted but sitting out a 429 pause when it is closed, leaving no timer", async () => {
    limiter = new TargetLimiter("t", { maxConcurrent: 1 });
    const first = track(limiter.acquire());
    const second = track(limiter.acquire());
    await settle();
    limiter.penalize(30_000);
    first.release?.();
    await settle();
    expect(second.release).toBeUndefined();
    limiter.close();
    await settle();
    expect(RouterClosedError.isInstance(second.error)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("admits the callers already waiting once retired, then closes itself and stops its timers", async () => {
    limiter = new TargetLimiter("t", { maxConcurrent: 1, rpm: 100 });
    const first = track(limiter.acquire());
    await settle();
    const waiting = Array.from({ length: 50 }, () => track(limiter!.acquire()));
    limiter.retire();
    expect(limiter.closed).toBe(false);
    first.release?.();
    for (const call of waiting) {
      await settle();
      expect(call.error).toBeUndefined();
      expect(call.release).toBeTypeOf("function");
      call.release?.();
    }
    await settle();
    expect(limiter.closed).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("closes at once when retired with nobody waiting", () => {
    limiter = new TargetLimiter("t", { rpm: 1 });
    limiter.retire();
    expect(limiter.closed).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("rejects limits that are not positive integers, naming the target and the limit", () => {
    expect(() => new TargetLimiter("fast", { rpm: 0 })).toThrow(
      "targets.fast.limits.rpm must be a positive integer, got 0",
    );
    expect(() => new TargetLimiter("fast", { tpm: 1.5 })).toThrow(/limits.tpm/);
  });

  it("rejects a negative weight or retry-after", async () => {
    limiter = new TargetLimiter("t");
    await expect(limiter.acquire({ weight: -1 })).rejects.toThrow(
      /weight must be a finite number ≥ 0, got -1/,
    );
    expect(() => limiter?.penalize(Number.NaN)).toThrow(/retryAfterMs/);
  });
});
