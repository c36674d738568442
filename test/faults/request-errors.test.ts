import { describe, expect, it } from "vitest";
import { AllTargetsFailedError, ProviderCallError } from "../../index.js";
import { useMswServer } from "../support/msw-server.js";
import { startHarness, track } from "./support/fault-harness.js";
import { openaiShape, providerShapes } from "./support/provider-shapes.js";
import { answer, fail, refusal } from "./support/replies.js";
import { Upstream } from "./support/upstream.js";

useMswServer();

const messages = [{ role: "user" as const, content: "hi" }];

describe.each(providerShapes)("scenario 14 ($name): 400 context length exceeded", (shape) => {
  const small = (id: string) => ({
    upstream: new Upstream(id, shape).replies(fail("context-length")),
    contextWindow: 8192,
  });

  it("does not retry the target and routes once to a larger-context target", async () => {
    const a = small("a");
    const b = small("b");
    const large = { upstream: new Upstream("large", shape).replies(answer("fits")), contextWindow: 128_000 };
    const { router } = await startHarness({ targets: { a, b, large } });
    const result = await router.chat({ messages });
    expect(result.text).toBe("fits");
    expect([a.upstream.count, b.upstream.count, large.upstream.count]).toEqual([1, 0, 1]);
    expect(result.route.attempts.map((attempt) => [attempt.target, attempt.errorKind])).toEqual([
      ["a", "context_length"],
      ["large", undefined],
    ]);
    expect(result.route.rejected).toContainEqual(
      expect.objectContaining({ target: "b", policy: "context-length" }),
    );
    await router.close();
  });

  it("reroutes only once: a second overflow ends the call with the context-length error", async () => {
    const a = small("a");
    const large = {
      upstream: new Upstream("large", shape).replies(fail("context-length")),
      contextWindow: 128_000,
    };
    const huge = { upstream: new Upstream("huge", shape).replies(answer("fits")), contextWindow: 1_000_000 };
    const { router } = await startHarness({ targets: { a, large, huge } });
    const error = await track(router.chat({ messages })).error();
    expect(ProviderCallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ kind: "context_length", target: "large" });
    expect((error as ProviderCallError).trace?.attempts.map((attempt) => attempt.target)).toEqual([
      "a",
      "large",
    ]);
    expect(huge.upstream.count).toBe(0);
    await router.close();
  });

  it("ends with a clear context-length error when no larger target exists", async () => {
    const a = small("a");
    const b = small("b");
    const { router } = await startHarness({ targets: { a, b } });
    const error = await track(router.chat({ messages })).error();
    expect(ProviderCallError.isInstance(error)).toBe(true);
    const overflow = error as ProviderCallError;
    expect(overflow.kind).toBe("context_length");
    expect(overflow.target).toBe("a");
    expect(overflow.trace?.rejected).toContainEqual(
      expect.objectContaining({ target: "b", policy: "context-length" }),
    );
    expect(b.upstream.count).toBe(0);
    await router.close();
  });

  it("keeps failing over normally when the larger target fails for another reason", async () => {
    const a = small("a");
    const large = { upstream: new Upstream("large", shape).replies(fail("auth")), contextWindow: 128_000 };
    const { router } = await startHarness({ targets: { a, large } });
    const error = await track(router.chat({ messages })).error();
    expect(AllTargetsFailedError.isInstance(error)).toBe(true);
    expect((error as AllTargetsFailedError).errors.map((entry) => (entry as ProviderCallError).kind)).toEqual(
      ["context_length", "auth"],
    );
    await router.close();
  });
});

describe("scenario 15 (openai): content-policy refusal as an error", () => {
  it("is not retried and ends the call with a typed error and its trace when the route disallows fallback", async () => {
    const a = new Upstream("a", openaiShape).replies(fail("content-filter"));
    const b = new Upstream("b", openaiShape).replies(answer("from b"));
    const { router } = await startHarness({ targets: { a, b } });
    const error = await track(router.chat({ messages })).error();
    expect(ProviderCallError.isInstance(error)).toBe(true);
    const refused = error as ProviderCallError;
    expect(refused.kind).toBe("content_filter");
    expect(refused.target).toBe("a");
    expect(refused.trace?.attempts).toEqual([
      expect.objectContaining({ target: "a", outcome: "error", errorKind: "content_filter" }),
    ]);
    expect(JSON.parse(JSON.stringify(refused))).toMatchObject({
      kind: "content_filter",
      route: { route: "default" },
    });
    expect(a.count).toBe(1);
    expect(b.count).toBe(0);
    await router.close();
  });

  it("falls back when the route allows it, recording who refused", async () => {
    const a = new Upstream("a", openaiShape).replies(fail("content-filter"));
    const b = new Upstream("b", openaiShape).replies(answer("from b"));
    const { router } = await startHarness({
      targets: { a, b },
      routes: { default: { targets: ["a", "b"], fallbackOnContentFilter: true } },
    });
    const result = await router.chat({ messages });
    expect(result.text).toBe("from b");
    expect(a.count).toBe(1);
    expect(result.route.attempts.map((attempt) => [attempt.target, attempt.errorKind])).toEqual([
      ["a", "content_filter"],
      ["b", undefined],
    ]);
    await router.close();
  });
});

describe.each(providerShapes)("scenario 15 ($name): content-filter finish", (shape) => {
  it("answers with the refusal and records who refused when the route disallows fallback", async () => {
    const a = new Upstream("a", shape).replies(refusal("I can't help with that."));
    const b = new Upstream("b", shape).replies(answer("from b"));
    const { router } = await startHarness({ targets: { a, b } });
    const result = await router.chat({ messages });
    expect(result.finishReason).toBe("content-filter");
    expect(result.route.target).toBe("a");
    expect(result.route.attempts).toEqual([
      expect.objectContaining({ target: "a", errorKind: "content_filter", possiblyBilled: true }),
    ]);
    expect(a.count).toBe(1);
    expect(b.count).toBe(0);
    await router.close();
  });

  it("falls back without retrying when the route allows it, and charges the refusal", async () => {
    const a = new Upstream("a", shape).replies(refusal("I can't help with that."));
    const b = new Upstream("b", shape).replies(answer("from b"));
    const { router } = await startHarness({
      targets: { a, b },
      routes: { default: { targets: ["a", "b"], fallbackOnContentFilter: true } },
    });
    const result = await router.chat({ messages });
    expect(result.text).toBe("from b");
    expect(result.finishReason).toBe("stop");
    expect(a.count).toBe(1);
    const [refused, answered] = result.route.attempts;
    expect(refused).toMatchObject({ target: "a", errorKind: "content_filter" });
    expect(refused?.costUsd).toBeGreaterThan(0);
    expect(result.costUsd).toBeCloseTo((refused?.costUsd ?? 0) + (answered?.costUsd ?? 0), 15);
    await router.close();
  });

  it("cannot fall back once the refusal's text reached a stream's reader", async () => {
    const a = new Upstream("a", shape).replies(refusal("I can't help with that."));
    const b = new Upstream("b", shape).replies(answer("from b"));
    const { router } = await startHarness({
      targets: { a, b },
      routes: { default: { targets: ["a", "b"], fallbackOnContentFilter: true } },
    });
    const result = await router.stream({ messages }).result;
    expect(result.finishReason).toBe("content-filter");
    expect(b.count).toBe(0);
    await router.close();
  });
});
