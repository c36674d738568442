import { describe, expect, it, vi } from "vitest";
import { AllTargetsFailedError } from "../../index.js";
import { useMswServer } from "../support/msw-server.js";
import { startHarness, track, useFakeClock } from "./support/fault-harness.js";
import { anthropicShape, type HttpFault, providerShapes } from "./support/provider-shapes.js";
import { answer, dropAfter, fail, reset } from "./support/replies.js";
import { Upstream } from "./support/upstream.js";

useMswServer();
useFakeClock();

const messages = [{ role: "user" as const, content: "hi" }];

/** Backoff with the harness's `random: () => 0`: half of 500 ms × 2^(retry−1). */
const backoffs = [250, 500];

describe("scenario 4 (anthropic): 529 overloaded before the stream", () => {
  it("retries with backoff, then fails over", async () => {
    const a = new Upstream("a", anthropicShape).replies(fail("overloaded"));
    const b = new Upstream("b", anthropicShape).replies(answer("from b"));
    const { router, events } = await startHarness({ targets: { a, b } });
    const stream = router.stream({ messages });
    const text = track(
      (async () => {
        let joined = "";
        for await (const delta of stream.textStream) joined += delta;
        return joined;
      })(),
    );
    await vi.advanceTimersByTimeAsync(249);
    expect(a.count).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(a.count).toBe(2);
    await vi.advanceTimersByTimeAsync(500);
    expect(await text.promise).toBe("from b");
    expect(a.calls.map((call) => call.at - (a.calls[0]?.at ?? 0))).toEqual([0, 250, 750]);
    expect(b.count).toBe(1);
    expect(
      events.filter((event) => event.type === "retry").map((event) => "delayMs" in event && event.delayMs),
    ).toEqual(backoffs);
    const result = await stream.result;
    expect(
      result.route.attempts.map((attempt) => [attempt.target, attempt.status, attempt.errorKind]),
    ).toEqual([
      ["a", 529, "overloaded"],
      ["a", 529, "overloaded"],
      ["a", 529, "overloaded"],
      ["b", undefined, undefined],
    ]);
    await router.close();
  });
});

const serverFaults: HttpFault[] = ["server", "bad-gateway", "unavailable"];

describe.each(providerShapes)("scenario 6 ($name): 5xx on every attempt", (shape) => {
  it.each(serverFaults)(
    "makes exactly 3 attempts on a target failing with %s, then calls the next",
    async (fault) => {
      const a = new Upstream("a", shape).replies(fail(fault));
      const b = new Upstream("b", shape).replies(answer("from b"));
      const { router } = await startHarness({ targets: { a, b } });
      const call = track(router.chat({ messages }));
      await vi.advanceTimersByTimeAsync(750);
      const result = await call.promise;
      expect(result.text).toBe("from b");
      expect(a.count).toBe(3);
      expect(b.count).toBe(1);
      expect(result.route.attempts).toHaveLength(4);
      expect(
        result.route.attempts.every((attempt) => attempt.costUsd === 0 || attempt.outcome === "success"),
      ).toBe(true);
      await router.close();
    },
  );

  it("makes 3 × targets upstream calls when every target fails, and lists every attempt", async () => {
    const upstreams = ["a", "b", "c"].map((id) => new Upstream(id, shape).replies(fail("server")));
    const [a, b, c] = upstreams as [Upstream, Upstream, Upstream];
    const { router } = await startHarness({ targets: { a, b, c }, retryBudget: { maxTokens: 100 } });
    const call = track(router.chat({ messages }));
    await vi.advanceTimersByTimeAsync(3 * 750);
    const error = await call.error();
    expect(upstreams.map((upstream) => upstream.count)).toEqual([3, 3, 3]);
    expect(AllTargetsFailedError.isInstance(error)).toBe(true);
    const failed = error as AllTargetsFailedError;
    expect(failed.errors).toHaveLength(9);
    expect(failed.trace.attempts.map((attempt) => attempt.target)).toEqual([..."aaabbbccc".split("")]);
    expect(failed.errors.map((entry) => "status" in entry && entry.status)).toEqual(Array(9).fill(500));
    expect(failed.message).toContain('All targets of route "default" failed');
    await router.close();
  });

  it("stops same-target retries once the process-wide retry budget is half spent", async () => {
    const upstreams = ["a", "b", "c"].map((id) => new Upstream(id, shape).replies(fail("server")));
    const [a, b, c] = upstreams as [Upstream, Upstream, Upstream];
    const { router } = await startHarness({ targets: { a, b, c } });
    const call = track(router.chat({ messages }));
    await vi.advanceTimersByTimeAsync(3 * 750);
    await call.error();
    // The default bucket holds 10 tokens and retries stop at half: 5 retries in all.
    expect(upstreams.map((upstream) => upstream.count)).toEqual([3, 3, 2]);
    await router.close();
  });
});

describe.each(providerShapes)("scenario 7 ($name): connection reset", (shape) => {
  it("classifies a reset before the response as a network error and retries it", async () => {
    const a = new Upstream("a", shape).replies(reset(), answer("Hello"));
    const { router } = await startHarness({ targets: { a } });
    const call = track(router.chat({ messages }));
    await vi.advanceTimersByTimeAsync(250);
    const result = await call.promise;
    expect(result.text).toBe("Hello");
    expect(a.count).toBe(2);
    expect(result.route.attempts.map((attempt) => [attempt.outcome, attempt.errorKind])).toEqual([
      ["error", "network"],
      ["success", undefined],
    ]);
    expect(result.costUsd).toBeCloseTo(
      result.route.attempts.reduce((sum, attempt) => sum + attempt.costUsd, 0),
      15,
    );
    await router.close();
  });

  it("retries a stream whose connection drops before its first token", async () => {
    const a = new Upstream("a", shape).replies(
      dropAfter((wire) => wire.opening([])),
      answer("Hello"),
    );
    const { router } = await startHarness({ targets: { a } });
    const stream = router.stream({ messages });
    const parts = track(
      (async () => {
        const seen = [];
        for await (const part of stream) seen.push(part);
        return seen;
      })(),
    );
    // The connection drops 1 ms into the response; the retry follows 250 ms later.
    await vi.advanceTimersByTimeAsync(251);
    const seen = await parts.promise;
    expect(
      seen
        .filter((part) => part.type === "text-delta")
        .map((part) => part.type === "text-delta" && part.text)
        .join(""),
    ).toBe("Hello");
    expect(a.count).toBe(2);
    const result = await stream.result;
    expect(result.route.attempts[0]).toMatchObject({ errorKind: "network", possiblyBilled: true });
    await router.close();
  });
});

describe.each(providerShapes)("server retry hints ($name): x-should-retry", (shape) => {
  it("does not retry a 503 the server marks x-should-retry: false", async () => {
    const a = new Upstream("a", shape).replies(
      fail("unavailable", { headers: { "x-should-retry": "false" } }),
    );
    const b = new Upstream("b", shape).replies(answer("from b"));
    const { router } = await startHarness({ targets: { a, b } });
    const result = await router.chat({ messages });
    expect(result.text).toBe("from b");
    expect(a.count).toBe(1);
    await router.close();
  });

  it("retries a 400 the server marks x-should-retry: true", async () => {
    const a = new Upstream("a", shape).replies(
      fail("bad-request", { headers: { "x-should-retry": "true" } }),
      answer("Hello"),
    );
    const { router } = await startHarness({ targets: { a } });
    const call = track(router.chat({ messages }));
    await vi.advanceTimersByTimeAsync(250);
    expect((await call.promise).text).toBe("Hello");
    expect(a.count).toBe(2);
    await router.close();
  });
});
