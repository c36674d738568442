import { describe, expect, it } from "vitest";
import { InMemoryStateStore, InvalidOptionsError, RouterClosedError, type StateStore } from "../../index.js";
import { startHarness } from "../faults/support/fault-harness.js";
import { openaiShape } from "../faults/support/provider-shapes.js";
import { answer } from "../faults/support/replies.js";
import { Upstream } from "../faults/support/upstream.js";
import { useMswServer } from "../support/msw-server.js";
import { expectUsageMatchesTraces } from "./support/usage-scenario.js";

useMswServer();

const messages = [{ role: "user" as const, content: "hi" }];

describe("router.usage()", { timeout: 30_000 }, () => {
  it("sums today's spend and tokens per route, tag, target and provider as the traces report them, for 100 concurrent calls", {
    timeout: 30_000,
  }, async () => {
    await expectUsageMatchesTraces(new InMemoryStateStore());
  });

  it("starts each UTC day at zero, as the daily budgets do", async () => {
    let now = Date.UTC(2026, 11, 3, 23, 59, 0);
    const store = new InMemoryStateStore({ now: () => now });
    await store.addSpend(["route:default", "provider:p"], 0.25, { inputTokens: 10, outputTokens: 5 });
    expect((await store.spendToday()).keys.get("route:default")).toEqual({
      costUsd: 0.25,
      inputTokens: 10,
      outputTokens: 5,
    });
    now += 120_000;
    expect(await store.spendToday()).toEqual({ day: "2026-12-04", keys: new Map() });
  });

  it("records the tokens of a free target, and reports a tag named like an Object property as a tag", async () => {
    const a = {
      upstream: new Upstream("a", openaiShape).replies(answer("x", { inputTokens: 4, outputTokens: 6 })),
      price: { input: 0, output: 0 },
    };
    const { router } = await startHarness({ targets: { a } });
    await router.chat({ messages, tags: ["__proto__"] });
    const report = await router.usage();
    expect(report.targets.a).toEqual({ costUsd: 0, inputTokens: 4, outputTokens: 6 });
    expect(Object.getPrototypeOf(report.tags)).toBe(Object.prototype);
    expect(Object.hasOwn(report.tags, "__proto__")).toBe(true);
    await router.close();
    await expect(router.usage()).rejects.toThrow(RouterClosedError);
  });

  it("rejects with a typed error naming the store when a custom store cannot report usage", async () => {
    const inner = new InMemoryStateStore();
    const custom: StateStore = {
      snapshot: (targets, keys) => inner.snapshot(targets, keys),
      recordAttempt: (observation) => inner.recordAttempt(observation),
      addSpend: (keys, usd) => inner.addSpend(keys, usd),
      holdSpend: (limits, usd, ttl) => inner.holdSpend(limits, usd, ttl),
    };
    const { router } = await startHarness({ targets: { a: new Upstream("a", openaiShape) }, store: custom });
    await expect(router.usage()).rejects.toThrow(InvalidOptionsError);
    await expect(router.usage()).rejects.toThrow(/state.*does not implement spendToday/);
    await router.close();
  });

  it("refuses token counts that are not whole numbers", async () => {
    const store = new InMemoryStateStore();
    await expect(store.addSpend(["route:x"], 0.1, { inputTokens: 1.5, outputTokens: 0 })).rejects.toThrow(
      "InMemoryStateStore.addSpend: tokens.inputTokens must be a whole number ≥ 0, got 1.5",
    );
  });
});
