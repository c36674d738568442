import { describe, expect, it, vi } from "vitest";
import { ProviderCallError } from "../../index.js";
import { useMswServer } from "../support/msw-server.js";
import { startHarness, track, useFakeClock } from "./support/fault-harness.js";
import { openaiShape, providerShapes } from "./support/provider-shapes.js";
import { answer, fail, refusal } from "./support/replies.js";
import { Upstream } from "./support/upstream.js";

useMswServer();
useFakeClock();

const messages = [{ role: "user" as const, content: "hi" }];

describe.each(providerShapes)("a route's retryOn ($name)", (shape) => {
  it("does not retry a 500 when retryOn lists only rate_limit, and moves to the next target", async () => {
    const a = new Upstream("a", shape).replies(fail("server"));
    const b = new Upstream("b", shape).replies(answer("from b"));
    const { router, events } = await startHarness({
      targets: { a, b },
      routes: { default: { targets: ["a", "b"], retryOn: ["rate_limit"] } },
    });
    const result = await track(router.chat({ messages })).promise;
    expect(result.text).toBe("from b");
    expect(a.count).toBe(1);
    expect(events.filter((event) => event.type === "retry")).toEqual([]);
    await router.close();
  });

  it("retries a 400 on the same target when retryOn lists its status", async () => {
    const a = new Upstream("a", shape).replies(fail("bad-request"), answer("second try"));
    const { router } = await startHarness({
      targets: { a },
      routes: { default: { targets: ["a"], retryOn: [400] } },
    });
    const call = track(router.chat({ messages }));
    await vi.advanceTimersByTimeAsync(250);
    const result = await call.promise;
    expect(result.text).toBe("second try");
    expect(result.route.attempts.map((attempt) => [attempt.target, attempt.status])).toEqual([
      ["a", 400],
      ["a", undefined],
    ]);
    await router.close();
  });

  it("retries what the provider marks retryable when retryOn is not set (a 500, three attempts)", async () => {
    const a = new Upstream("a", shape).replies(fail("server"));
    const b = new Upstream("b", shape).replies(answer("from b"));
    const { router } = await startHarness({ targets: { a, b } });
    const call = track(router.chat({ messages }));
    await vi.advanceTimersByTimeAsync(750);
    expect((await call.promise).text).toBe("from b");
    expect(a.count).toBe(3);
    await router.close();
  });
});

describe.each(providerShapes)("a route's fallbackOn ($name)", (shape) => {
  it("ends the call on a 400 when fallbackOn excludes bad_request", async () => {
    const a = new Upstream("a", shape).replies(fail("bad-request"));
    const b = new Upstream("b", shape).replies(answer("from b"));
    const { router } = await startHarness({
      targets: { a, b },
      routes: {
        default: { targets: ["a", "b"], fallbackOn: ["rate_limit", "server", "network", "timeout"] },
      },
    });
    const error = await track(router.chat({ messages })).error();
    expect(ProviderCallError.isInstance(error)).toBe(true);
    const failed = error as ProviderCallError;
    expect([failed.kind, failed.status, failed.target]).toEqual(["bad_request", 400, "a"]);
    expect(failed.trace?.attempts.map((attempt) => attempt.target)).toEqual(["a"]);
    expect(b.count).toBe(0);
    await router.close();
  });

  it("moves to the next target on a 400 by default", async () => {
    const a = new Upstream("a", shape).replies(fail("bad-request"));
    const b = new Upstream("b", shape).replies(answer("from b"));
    const { router } = await startHarness({ targets: { a, b } });
    expect((await track(router.chat({ messages })).promise).text).toBe("from b");
    expect(a.count).toBe(1);
    await router.close();
  });

  it("spends its retries on a 500 listed in retryOn but not in fallbackOn, then ends the call", async () => {
    const a = new Upstream("a", shape).replies(fail("server"));
    const b = new Upstream("b", shape).replies(answer("from b"));
    const { router } = await startHarness({
      targets: { a, b },
      routes: { default: { targets: ["a", "b"], retryOn: [500], fallbackOn: ["rate_limit"] } },
    });
    const call = track(router.chat({ messages }));
    await vi.advanceTimersByTimeAsync(750);
    const error = await call.error();
    expect(ProviderCallError.isInstance(error) && error.status).toBe(500);
    expect(a.count).toBe(3);
    expect(b.count).toBe(0);
    await router.close();
  });

  it("falls back on a content-filter finish when fallbackOn lists content_filter", async () => {
    const a = new Upstream("a", shape).replies(refusal("I can't help with that."));
    const b = new Upstream("b", shape).replies(answer("from b"));
    const { router } = await startHarness({
      targets: { a, b },
      routes: { default: { targets: ["a", "b"], fallbackOn: ["content_filter"] } },
    });
    expect((await track(router.chat({ messages })).promise).text).toBe("from b");
    await router.close();
  });
});

describe("fallbackOn by status (openai)", () => {
  it("falls back on a 429 listed by status, without waiting on the rate-limited target", async () => {
    const a = new Upstream("a", openaiShape).replies(fail("rate-limit"));
    const b = new Upstream("b", openaiShape).replies(answer("from b"));
    const { router } = await startHarness({
      targets: { a, b },
      routes: { default: { targets: ["a", "b"], retryOn: [], fallbackOn: [429] } },
    });
    expect((await track(router.chat({ messages })).promise).text).toBe("from b");
    expect(a.count).toBe(1);
    await router.close();
  });
});
