import { describe, expect, it, vi } from "vitest";
import { createRouter, InMemoryStateStore, NoEligibleTargetError, type Router } from "../../index.js";
import type { PolicyFile } from "../../src/config/index.js";
import { mswServer, useMswServer } from "../support/msw-server.js";
import { testPrice, track, useFakeClock } from "./support/fault-harness.js";
import { openaiShape } from "./support/provider-shapes.js";
import { answer, fail, hang } from "./support/replies.js";
import { Upstream } from "./support/upstream.js";

useMswServer();
useFakeClock();

const messages = [{ role: "user" as const, content: "hi" }];

/** A router that opens its own state store, so the policy's `health` section configures it. */
async function routerWith(
  upstreams: Upstream[],
  health: PolicyFile["health"],
  state?: InMemoryStateStore,
  targetHealth: Record<string, PolicyFile["targets"][string]["health"]> = {},
): Promise<Router> {
  const policy: PolicyFile = {
    providers: Object.fromEntries(
      upstreams.map((upstream) => [
        `${upstream.id}-provider`,
        upstream.shape.providerConfig(upstream.baseURL, upstream.apiKey),
      ]),
    ),
    targets: Object.fromEntries(
      upstreams.map((upstream) => [
        upstream.id,
        {
          provider: `${upstream.id}-provider`,
          model: upstream.shape.model,
          price: testPrice,
          maxAttempts: 1,
          ...(targetHealth[upstream.id] ? { health: targetHealth[upstream.id] } : {}),
        },
      ]),
    ),
    routes: { default: { targets: upstreams.map((upstream) => upstream.id) } },
    ...(health ? { health } : {}),
  };
  mswServer.use(...upstreams.map((upstream) => upstream.handler()));
  return createRouter({ policy, random: () => 0, ...(state ? { state } : {}) });
}

describe("the policy's health section", () => {
  it("opens a breaker after the policy's threshold (2 calls at 50 %), not the default 20", async () => {
    const a = new Upstream("a", openaiShape).replies(fail("server"));
    const b = new Upstream("b", openaiShape).replies(answer("from b"));
    const router = await routerWith([a, b], { breaker: { minCalls: 2, failureRatio: 0.5 } });
    for (let call = 0; call < 2; call++) await track(router.chat({ messages })).promise;
    expect(a.count).toBe(2);
    const third = await track(router.chat({ messages })).promise;
    expect(third.text).toBe("from b");
    expect(a.count).toBe(2);
    expect(third.route.rejected).toEqual([
      expect.objectContaining({ target: "a", reason: expect.stringContaining("circuit breaker is open") }),
    ]);
    await router.close();
  });

  it("keeps calling a failing target under the default thresholds", async () => {
    const a = new Upstream("a", openaiShape).replies(fail("server"));
    const b = new Upstream("b", openaiShape).replies(answer("from b"));
    const router = await routerWith([a, b], undefined);
    for (let call = 0; call < 3; call++) await track(router.chat({ messages })).promise;
    expect(a.count).toBe(3);
    await router.close();
  });

  it("ejects a target after the policy's consecutive failures", async () => {
    const a = new Upstream("a", openaiShape).replies(fail("server"));
    const b = new Upstream("b", openaiShape).replies(answer("from b"));
    const router = await routerWith([a, b], { ejection: { consecutiveFailures: 1, baseMs: 10_000 } });
    await track(router.chat({ messages })).promise;
    const second = await track(router.chat({ messages })).promise;
    expect(a.count).toBe(1);
    expect(second.route.rejected).toEqual([
      expect.objectContaining({ target: "a", reason: expect.stringContaining("ejected") }),
    ]);
    await router.close();
  });

  it("leaves no target eligible when every breaker is open (whenAllOpen: fail, the default)", async () => {
    const a = new Upstream("a", openaiShape).replies(fail("server"), fail("server"), answer("healed"));
    const router = await routerWith([a], { breaker: { minCalls: 2 } });
    for (let call = 0; call < 2; call++) await track(router.chat({ messages })).error();
    const error = await track(router.chat({ messages })).error();
    expect(NoEligibleTargetError.isInstance(error)).toBe(true);
    expect(a.count).toBe(2);
    await router.close();
  });

  it("tries the target whose breaker opened first when every breaker is open (whenAllOpen: probe)", async () => {
    const a = new Upstream("a", openaiShape).replies(fail("server"), fail("server"), answer("healed"));
    const router = await routerWith([a], { breaker: { minCalls: 2 }, whenAllOpen: "probe" });
    for (let call = 0; call < 2; call++) await track(router.chat({ messages })).error();
    const third = await track(router.chat({ messages })).promise;
    expect(third.text).toBe("healed");
    expect(a.count).toBe(3);
    await router.close();
  });

  it("leaves a store built in code with its own thresholds (the code wins over the policy)", async () => {
    const a = new Upstream("a", openaiShape).replies(fail("server"));
    const b = new Upstream("b", openaiShape).replies(answer("from b"));
    const store = new InMemoryStateStore({ breaker: { minCalls: 10 } });
    const router = await routerWith([a, b], { breaker: { minCalls: 2 } }, store);
    for (let call = 0; call < 3; call++) await track(router.chat({ messages })).promise;
    expect(a.count).toBe(3);
    await router.close();
  });

  it("sends no more than halfOpenProbes calls at once to a half-open target", async () => {
    const a = new Upstream("a", openaiShape).replies(fail("server"), fail("server"), hang());
    const b = new Upstream("b", openaiShape).replies(answer("from b"));
    const router = await routerWith([a, b], { breaker: { minCalls: 2, openMs: 1000 }, halfOpenProbes: 1 });
    for (let call = 0; call < 2; call++) await track(router.chat({ messages })).promise;
    await vi.advanceTimersByTimeAsync(1000);
    const probe = track(router.chat({ messages }));
    await vi.waitFor(() => expect(a.count).toBe(3));
    const meanwhile = await track(router.chat({ messages })).promise;
    expect(meanwhile.text).toBe("from b");
    expect(a.count).toBe(3);
    expect(meanwhile.route.rejected).toEqual([
      expect.objectContaining({
        target: "a",
        reason: "circuit breaker is half-open and its 1 probe is in flight",
      }),
    ]);
    await router.close();
    await probe.error();
  });

  it("opens the breaker of a target with its own lower threshold while the others keep the default", async () => {
    const a = new Upstream("a", openaiShape).replies(fail("server"));
    const b = new Upstream("b", openaiShape).replies(fail("server"));
    const c = new Upstream("c", openaiShape).replies(answer("from c"));
    const router = await routerWith([a, b, c], undefined, undefined, { a: { breaker: { minCalls: 2 } } });
    for (let call = 0; call < 2; call++) await track(router.chat({ messages })).promise;
    const third = await track(router.chat({ messages })).promise;
    expect(third.text).toBe("from c");
    expect([a.count, b.count]).toEqual([2, 3]);
    expect(third.route.rejected.map((rejection) => rejection.target)).toEqual(["a"]);
    await router.close();
  });
});
