import { describe, expect, it } from "vitest";
import type { AttemptObservation, ErrorKind } from "../core/index.js";
import { InMemoryStateStore } from "./in-memory-state-store.js";

const start = Date.UTC(2026, 10, 29, 12, 0, 0);

function setup(options: ConstructorParameters<typeof InMemoryStateStore>[0] = {}) {
  let now = start;
  const store = new InMemoryStateStore({ now: () => now, ...options });
  return {
    store,
    advance(ms: number) {
      now += ms;
    },
    now: () => now,
    async succeed(target = "a", fields: Partial<AttemptObservation> = {}) {
      await store.recordAttempt({
        target,
        ok: true,
        ttftMs: 200,
        totalMs: 1200,
        outputTokens: 101,
        at: now,
        ...fields,
      });
    },
    async fail(target = "a", errorKind: ErrorKind = "server") {
      await store.recordAttempt({ target, ok: false, errorKind, totalMs: 50, outputTokens: 0, at: now });
    },
    async health(target = "a") {
      return (await store.snapshot([target], [])).health.get(target);
    },
    async latency(target = "a") {
      return (await store.snapshot([target], [])).latency.get(target);
    },
  };
}

describe("outlier ejection", () => {
  it("ejects a target for 30 s after 5 consecutive failures", async () => {
    const state = setup();
    for (let index = 0; index < 4; index++) await state.fail();
    expect((await state.health())?.ejectedUntil).toBeUndefined();
    await state.fail();
    expect((await state.health())?.ejectedUntil).toBe(start + 30_000);
    state.advance(30_000);
    expect((await state.health())?.ejectedUntil).toBeUndefined();
  });

  it("ejects for 60 s the second time in a row, then 90 s", async () => {
    const state = setup();
    for (let index = 0; index < 5; index++) await state.fail();
    state.advance(30_000);
    for (let index = 0; index < 5; index++) await state.fail();
    expect(await state.health()).toMatchObject({ ejections: 2, ejectedUntil: state.now() + 60_000 });
    state.advance(60_000);
    for (let index = 0; index < 5; index++) await state.fail();
    expect((await state.health())?.ejectedUntil).toBe(state.now() + 90_000);
  });

  it("caps an ejection at maxMs however long the streak", async () => {
    const state = setup({ ejection: { maxMs: 45_000 } });
    for (let round = 0; round < 3; round++) {
      for (let index = 0; index < 5; index++) await state.fail();
      state.advance(45_000);
    }
    expect((await state.health())?.ejections).toBe(3);
    for (let index = 0; index < 5; index++) await state.fail();
    expect((await state.health())?.ejectedUntil).toBe(state.now() + 45_000);
  });

  it("starts the streak over after a success", async () => {
    const state = setup();
    for (let index = 0; index < 5; index++) await state.fail();
    state.advance(30_000);
    await state.succeed();
    for (let index = 0; index < 5; index++) await state.fail();
    expect((await state.health())?.ejectedUntil).toBe(state.now() + 30_000);
  });

  it("ignores results that arrive during an ejection (calls that were already in flight)", async () => {
    const state = setup();
    for (let index = 0; index < 5; index++) await state.fail();
    state.advance(1000);
    for (let index = 0; index < 5; index++) await state.fail();
    await state.succeed();
    expect(await state.health()).toMatchObject({ ejections: 1, ejectedUntil: start + 30_000 });
  });

  it("does not count the caller's own mistakes or aborts as target failures", async () => {
    const state = setup();
    for (const kind of ["bad_request", "context_length", "content_filter", "aborted"] as const) {
      for (let index = 0; index < 5; index++) await state.fail("a", kind);
    }
    expect(await state.health()).toMatchObject({ consecutiveFailures: 0, ejections: 0, windowFailures: 0 });
  });

  it("counts an auth failure against the target: it fails every call until an operator acts", async () => {
    const state = setup();
    for (let index = 0; index < 5; index++) await state.fail("a", "auth");
    expect((await state.health())?.ejectedUntil).toBe(start + 30_000);
  });
});

describe("circuit breaker", () => {
  /** Alternates success and failure so that ejection (consecutive failures) never triggers. */
  async function halfFailing(state: ReturnType<typeof setup>, calls: number) {
    for (let index = 0; index < calls; index++) {
      if (index % 2 === 0) await state.succeed();
      else await state.fail();
    }
  }

  it("stays closed at 50% failures over fewer than 20 calls", async () => {
    const state = setup();
    await halfFailing(state, 18);
    expect(await state.health()).toMatchObject({ breaker: "closed", windowCalls: 18, windowFailures: 9 });
  });

  it("opens at 50% failures over 20 calls", async () => {
    const state = setup();
    await halfFailing(state, 20);
    expect(await state.health()).toMatchObject({ breaker: "open", openedAt: start });
  });

  it("stays closed below the failure ratio", async () => {
    const state = setup();
    for (let index = 0; index < 30; index++) {
      if (index % 3 === 0) await state.fail();
      else await state.succeed();
    }
    expect((await state.health())?.breaker).toBe("closed");
  });

  it("forgets failures older than the window", async () => {
    const state = setup();
    await halfFailing(state, 18);
    state.advance(61_000);
    await halfFailing(state, 4);
    expect(await state.health()).toMatchObject({ breaker: "closed", windowCalls: 4 });
  });

  it("lets probes through after openMs (half-open) and closes on a successful probe", async () => {
    const state = setup();
    await halfFailing(state, 20);
    state.advance(29_999);
    expect((await state.health())?.breaker).toBe("open");
    state.advance(1);
    expect((await state.health())?.breaker).toBe("half-open");
    await state.succeed();
    expect(await state.health()).toMatchObject({ breaker: "closed", windowCalls: 0 });
  });

  it("reopens when the half-open probe fails", async () => {
    const state = setup();
    await halfFailing(state, 20);
    state.advance(30_000);
    await state.fail();
    expect(await state.health()).toMatchObject({ breaker: "open", openedAt: state.now() });
    state.advance(30_000);
    expect((await state.health())?.breaker).toBe("half-open");
  });

  it("ignores late results of calls sent before it opened", async () => {
    const state = setup();
    await halfFailing(state, 20);
    state.advance(1000);
    await state.succeed();
    expect(await state.health()).toMatchObject({ breaker: "open", openedAt: start });
  });

  it("opens at once when the quota is exhausted", async () => {
    const state = setup();
    await state.succeed();
    await state.fail("a", "quota");
    expect((await state.health())?.breaker).toBe("open");
  });
});

describe("latency statistics", () => {
  it("reports time to first token, its p95 and the output speed after the first token", async () => {
    const state = setup();
    for (let index = 1; index <= 100; index++) {
      await state.succeed("a", { ttftMs: index * 10, totalMs: index * 10 + 2000, outputTokens: 101 });
    }
    const stats = await state.latency();
    expect(stats?.ttftMs).toBeCloseTo(505, 0);
    expect(stats?.ttftP95Ms).toBeGreaterThan(950 * 0.93);
    expect(stats?.ttftP95Ms).toBeLessThan(950 * 1.07);
    expect(stats?.outputTokensPerSec).toBeCloseTo(50, 5);
    expect(stats?.samples).toBeCloseTo(100, 5);
    expect(stats?.updatedAt).toBe(start);
  });

  it("weighs samples by their age, so a recovery shows within a half-life", async () => {
    const state = setup();
    for (let index = 0; index < 50; index++) await state.succeed("a", { ttftMs: 4000, totalMs: 5000 });
    state.advance(120_000);
    await state.succeed("a", { ttftMs: 400, totalMs: 1400 });
    const stats = await state.latency();
    // 50 samples two half-lives old weigh 12.5 against the fresh sample's 1.
    expect(stats?.ttftMs).toBeCloseTo((50 * 0.25 * 4000 + 400) / (50 * 0.25 + 1), 6);
  });

  it("lets stale statistics decay towards the prior", async () => {
    const state = setup({ latencyPrior: { ttftMs: 1000, outputTokensPerSec: 50 } });
    await state.succeed("a", { ttftMs: 5000, totalMs: 6000, outputTokens: 11 });
    state.advance(60_000);
    const halfway = await state.latency();
    expect(halfway?.ttftMs).toBeCloseTo(3000, 6);
    expect(halfway?.outputTokensPerSec).toBeCloseTo(30, 6);
    expect(halfway?.samples).toBeCloseTo(0.5, 6);
    state.advance(600_000);
    const stale = await state.latency();
    expect(stale?.ttftP95Ms).toBeGreaterThan(1000);
    expect(stale?.ttftP95Ms).toBeLessThan(1005);
  });

  it("keeps the prior output speed when no call produced enough tokens to time", async () => {
    const state = setup();
    await state.succeed("a", { ttftMs: 300, totalMs: 300, outputTokens: 1 });
    expect((await state.latency())?.outputTokensPerSec).toBe(50);
  });

  it("records no latency for failures or calls without a first-token time", async () => {
    const state = setup();
    await state.fail();
    await state.store.recordAttempt({ target: "a", ok: true, totalMs: 900, outputTokens: 20, at: start });
    expect(await state.latency()).toBeUndefined();
  });
});

describe("snapshots", () => {
  it("lists only the requested targets, with each one's expected queue wait", async () => {
    const state = setup({ queueWaitMs: (target) => (target === "a" ? 1500 : 0) });
    await state.succeed("a");
    await state.succeed("b");
    const snapshot = await state.store.snapshot(["a"], []);
    expect([...snapshot.latency.keys()]).toEqual(["a"]);
    expect(snapshot.queueWaitMs.get("a")).toBe(1500);
    expect(snapshot.now).toBe(start);
  });

  it("hands out copies: changing a snapshot does not change the store", async () => {
    const state = setup();
    await state.succeed();
    const snapshot = await state.store.snapshot(["a"], ["route:r"]);
    (snapshot.latency as Map<string, unknown>).clear();
    const health = snapshot.health.get("a");
    if (health) health.breaker = "open";
    const next = await state.store.snapshot(["a"], ["route:r"]);
    expect(next.latency.has("a")).toBe(true);
    expect(next.health.get("a")?.breaker).toBe("closed");
  });
});

describe("spend ledger", () => {
  it("adds spend to each key for the current UTC day", async () => {
    const state = setup();
    await state.store.addSpend(["route:chat", "tag:beta"], 0.25);
    await state.store.addSpend(["route:chat"], 0.5);
    const snapshot = await state.store.snapshot([], ["route:chat", "tag:beta", "tag:other"]);
    expect(Object.fromEntries(snapshot.spendUsd)).toEqual({
      "route:chat": 0.75,
      "tag:beta": 0.25,
      "tag:other": 0,
    });
  });

  it("counts a key named twice in one call once", async () => {
    const state = setup();
    await state.store.addSpend(["route:chat", "route:chat"], 1);
    expect((await state.store.snapshot([], ["route:chat"])).spendUsd.get("route:chat")).toBe(1);
  });

  it("starts from zero on the next UTC day", async () => {
    const state = setup();
    await state.store.addSpend(["route:chat"], 3);
    state.advance(12 * 3600_000);
    expect((await state.store.snapshot([], ["route:chat"])).spendUsd.get("route:chat")).toBe(0);
  });

  it("rejects negative or non-finite spend, naming the argument", async () => {
    const state = setup();
    await expect(state.store.addSpend(["route:chat"], -1)).rejects.toThrow(
      /usd must be a finite number ≥ 0, got -1/,
    );
    await expect(state.store.addSpend(["route:chat"], Number.NaN)).rejects.toThrow(RangeError);
  });
});

describe("spend holds", () => {
  const limits = [
    { key: "route:chat", limitUsd: 1 },
    { key: "tag:team", limitUsd: 0.5 },
  ];

  it("holds an estimate against every limit at once and counts it in snapshots until released", async () => {
    const state = setup();
    await state.store.addSpend(["route:chat", "tag:team"], 0.2);
    const held = await state.store.holdSpend(limits, 0.2, 60_000);
    expect(held.ok).toBe(true);
    const spend = (await state.store.snapshot([], ["route:chat", "tag:team"])).spendUsd;
    expect(spend.get("route:chat")).toBeCloseTo(0.4, 12);
    expect(spend.get("tag:team")).toBeCloseTo(0.4, 12);
    if (held.ok) await held.release();
    expect((await state.store.snapshot([], ["tag:team"])).spendUsd.get("tag:team")).toBeCloseTo(0.2, 12);
  });

  it("refuses the hold that would break a limit, naming it with what is spent and held", async () => {
    const state = setup();
    await state.store.addSpend(["route:chat", "tag:team"], 0.2);
    expect((await state.store.holdSpend(limits, 0.2, 60_000)).ok).toBe(true);
    expect(await state.store.holdSpend(limits, 0.2, 60_000)).toEqual({
      ok: false,
      key: "tag:team",
      limitUsd: 0.5,
      spentUsd: 0.4,
    });
    // A refused hold holds nothing.
    expect((await state.store.snapshot([], ["route:chat"])).spendUsd.get("route:chat")).toBeCloseTo(0.4, 12);
  });

  it("lets only as many of 200 concurrent holds through as fit the limit", async () => {
    const state = setup();
    const results = await Promise.all(
      Array.from({ length: 200 }, () =>
        state.store.holdSpend([{ key: "route:chat", limitUsd: 1 }], 0.03, 60_000),
      ),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(33);
  });

  it("lets a hold that was never released lapse after its ttl", async () => {
    const state = setup();
    const single = [{ key: "route:chat", limitUsd: 1 }];
    expect((await state.store.holdSpend(single, 0.9, 1000)).ok).toBe(true);
    expect((await state.store.holdSpend(single, 0.5, 60_000)).ok).toBe(false);
    state.advance(1000);
    expect((await state.store.holdSpend(single, 0.5, 60_000)).ok).toBe(true);
  });

  it("holds nothing without limits, and gives a released hold back only once", async () => {
    const state = setup();
    const none = await state.store.holdSpend([], 5, 1000);
    expect(none.ok).toBe(true);
    const single = [{ key: "route:chat", limitUsd: 1 }];
    const held = await state.store.holdSpend(single, 0.5, 60_000);
    const other = await state.store.holdSpend(single, 0.5, 60_000);
    if (!held.ok || !other.ok) throw new Error("expected both holds to fit");
    await held.release();
    await held.release();
    expect((await state.store.snapshot([], ["route:chat"])).spendUsd.get("route:chat")).toBe(0.5);
  });

  it("rejects a negative or non-finite estimate", async () => {
    const state = setup();
    await expect(
      state.store.holdSpend([{ key: "route:chat", limitUsd: 1 }], Number.NaN, 1000),
    ).rejects.toThrow("InMemoryStateStore.holdSpend: usd must be a finite number ≥ 0, got NaN");
  });
});

describe("bad inputs", () => {
  it("rejects an observation with a negative duration, naming the field and the target", async () => {
    const state = setup();
    await expect(
      state.store.recordAttempt({ target: "a", ok: true, totalMs: -5, outputTokens: 0, at: start }),
    ).rejects.toThrow(/recordAttempt\("a"\): totalMs must be a finite number ≥ 0, got -5/);
  });

  it("rejects options that would break the breaker", () => {
    expect(() => new InMemoryStateStore({ breaker: { failureRatio: 1.5 } })).toThrow(
      /failureRatio must be at most 1/,
    );
    expect(() => new InMemoryStateStore({ ejection: { baseMs: 0 } })).toThrow(
      /ejection.baseMs must be a positive number/,
    );
  });
});

describe("429 pauses", () => {
  it("shows a pause in every snapshot until it ends, and never shortens a longer one", async () => {
    const { store, advance, now } = setup();
    const until = now() + 5000;
    await store.pauseTarget("a", until);
    await store.pauseTarget("a", until - 3000);
    expect((await store.snapshot(["a", "b"], [])).pausedUntil).toEqual(new Map([["a", until]]));
    advance(5000);
    expect((await store.snapshot(["a", "b"], [])).pausedUntil).toEqual(new Map());
  });

  it("rejects a pause that never ends, naming the field", async () => {
    const { store } = setup();
    await expect(store.pauseTarget("a", Number.POSITIVE_INFINITY)).rejects.toThrow(/untilMs/);
  });
});

describe("InMemoryStateStore cache entries", () => {
  it("gives an entry back until its TTL has passed", async () => {
    const { store, advance } = setup();
    await store.setCached("k", "v", 1_000);
    advance(999);
    expect(await store.getCached("k")).toBe("v");
    advance(1);
    expect(await store.getCached("k")).toBeUndefined();
  });

  it("rejects a bad key, value or TTL, naming the store and the field", async () => {
    const { store } = setup();
    await expect(store.setCached("", "v", 1)).rejects.toThrow(/InMemoryStateStore.setCached: key/);
    await expect(store.setCached("k", 1 as never, 1)).rejects.toThrow(/value must be a string/);
    await expect(store.setCached("k", "v", 0)).rejects.toThrow(/ttlMs must be an integer/);
    await expect(store.setCached("k", "v", Number.POSITIVE_INFINITY)).rejects.toThrow(/ttlMs/);
    await expect(store.getCached(3 as never)).rejects.toThrow(/InMemoryStateStore.getCached: key/);
  });
});
