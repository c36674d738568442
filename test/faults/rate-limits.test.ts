import { describe, expect, it, vi } from "vitest";
import { AllTargetsFailedError, ProviderCallError } from "../../index.js";
import { useMswServer } from "../support/msw-server.js";
import { startHarness, track, useFakeClock } from "./support/fault-harness.js";
import { providerShapes } from "./support/provider-shapes.js";
import { answer, fail } from "./support/replies.js";
import { Upstream } from "./support/upstream.js";

useMswServer();
useFakeClock();

const messages = [{ role: "user" as const, content: "hi" }];
/** $1/M prompt and $2/M output tokens for the default usage of 9 prompt and 2 output tokens. */
const answerCostUsd = (9 * 1 + 2 * 2) / 1e6;

describe.each(providerShapes)("scenario 1 ($name): 429 with retry-after: 2", (shape) => {
  const limited = (seconds: string) => fail("rate-limit", { headers: { "retry-after": seconds } });

  it("waits the hinted 2 s on the only target, retries once and answers with one cost record per billed attempt", async () => {
    const a = new Upstream("a", shape).replies(limited("2"), answer("Hello"));
    const { router } = await startHarness({ targets: { a } });
    const call = track(router.chat({ messages }));
    await vi.advanceTimersByTimeAsync(1999);
    expect(a.count).toBe(1);
    expect(call.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const result = await call.promise;
    expect(result.text).toBe("Hello");
    expect(a.count).toBe(2);
    expect((a.calls[1]?.at ?? 0) - (a.calls[0]?.at ?? 0)).toBe(2000);
    expect(
      result.route.attempts.map((attempt) => [attempt.outcome, attempt.errorKind, attempt.status]),
    ).toEqual([
      ["error", "rate_limit", 429],
      ["success", undefined, undefined],
    ]);
    expect(result.route.attempts.map((attempt) => attempt.costUsd)).toEqual([0, answerCostUsd]);
    expect(result.costUsd).toBe(answerCostUsd);
    await router.close();
  });

  it("streams the retried answer once, with the 429 attempt costing nothing", async () => {
    const a = new Upstream("a", shape).replies(limited("2"), answer("Hello"));
    const { router } = await startHarness({ targets: { a } });
    const stream = router.stream({ messages });
    const text = track(
      (async () => {
        let joined = "";
        for await (const delta of stream.textStream) joined += delta;
        return joined;
      })(),
    );
    await vi.advanceTimersByTimeAsync(2000);
    expect(await text.promise).toBe("Hello");
    const result = await stream.result;
    expect(a.count).toBe(2);
    expect(result.route.attempts.map((attempt) => attempt.costUsd)).toEqual([0, answerCostUsd]);
    await router.close();
  });

  it("makes at most 3 attempts on an only target that keeps answering 429, then fails", async () => {
    const a = new Upstream("a", shape).replies(limited("2"));
    const { router } = await startHarness({ targets: { a } });
    const call = track(router.chat({ messages }));
    await vi.advanceTimersByTimeAsync(4000);
    const error = await call.error();
    expect(a.calls.map((request) => request.at - (a.calls[0]?.at ?? 0))).toEqual([0, 2000, 4000]);
    expect(AllTargetsFailedError.isInstance(error)).toBe(true);
    await router.close();
  });

  it("fails over at once on a 429 while another target is healthy", async () => {
    const a = new Upstream("a", shape).replies(limited("2"));
    const b = new Upstream("b", shape).replies(answer("from b"));
    const { router } = await startHarness({ targets: { a, b } });
    const started = Date.now();
    const result = await router.chat({ messages });
    expect(Date.now()).toBe(started);
    expect(result.text).toBe("from b");
    expect(a.count).toBe(1);
    await router.close();
  });

  it("fails over at once when the target allows a single attempt", async () => {
    const a = { upstream: new Upstream("a", shape).replies(limited("2")), maxAttempts: 1 };
    const b = new Upstream("b", shape).replies(answer("from b"));
    const { router } = await startHarness({ targets: { a, b } });
    const result = await router.chat({ messages });
    expect(result.text).toBe("from b");
    expect(a.upstream.count).toBe(1);
    await router.close();
  });
});

describe.each(providerShapes)("scenario 2 ($name): 429 with retry-after: 3600", (shape) => {
  const limited = () => fail("rate-limit", { headers: { "retry-after": "3600" } });

  it("fails over without sleeping", async () => {
    const a = new Upstream("a", shape).replies(limited());
    const b = new Upstream("b", shape).replies(answer("from b"));
    const { router } = await startHarness({ targets: { a, b } });
    const started = Date.now();
    const result = await router.chat({ messages });
    expect(Date.now()).toBe(started);
    expect(result.text).toBe("from b");
    expect(a.count).toBe(1);
    expect(b.count).toBe(1);
    await router.close();
  });

  it("ends in a typed rate-limit error at once when no other target is left", async () => {
    const a = new Upstream("a", shape).replies(limited());
    const { router } = await startHarness({ targets: { a } });
    const started = Date.now();
    const error = await track(router.chat({ messages, timeoutMs: 10_000 })).error();
    expect(Date.now()).toBe(started);
    expect(AllTargetsFailedError.isInstance(error)).toBe(true);
    const failure = (error as AllTargetsFailedError).errors[0];
    expect(ProviderCallError.isInstance(failure)).toBe(true);
    expect(failure).toMatchObject({ kind: "rate_limit", status: 429, retryAfterMs: 3_600_000, target: "a" });
    expect(a.count).toBe(1);
    await router.close();
  });

  it("does not sleep past the call's deadline for a shorter hint either", async () => {
    const a = new Upstream("a", shape).replies(fail("rate-limit", { headers: { "retry-after": "30" } }));
    const b = new Upstream("b", shape).replies(answer("from b"));
    const { router } = await startHarness({ targets: { a, b } });
    const started = Date.now();
    const result = await router.chat({ messages, timeoutMs: 10_000 });
    expect(Date.now()).toBe(started);
    expect(result.text).toBe("from b");
    expect(a.count).toBe(1);
    await router.close();
  });
});

describe.each(providerShapes)("scenario 3 ($name): quota or credit exhausted", (shape) => {
  it("does not retry, opens the target's breaker and fails over", async () => {
    const a = new Upstream("a", shape).replies(fail("quota"));
    const b = new Upstream("b", shape).replies(answer("from b"));
    const { router, store } = await startHarness({ targets: { a, b } });
    const result = await router.chat({ messages });
    expect(result.text).toBe("from b");
    expect(a.count).toBe(1);
    expect(result.route.attempts[0]).toMatchObject({ target: "a", errorKind: "quota", costUsd: 0 });
    const snapshot = await store.snapshot(["a", "b"], []);
    expect(snapshot.health.get("a")?.breaker).toBe("open");
    expect(snapshot.health.get("b")?.breaker).toBe("closed");

    const next = await router.chat({ messages });
    expect(a.count).toBe(1);
    expect(next.route.attempts.map((attempt) => attempt.target)).toEqual(["b"]);
    expect(next.route.rejected).toContainEqual(expect.objectContaining({ target: "a", policy: "health" }));
    await router.close();
  });
});
