import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { AttemptObservation, ErrorKind } from "../../src/core/index.js";
import { InMemoryStateStore } from "../../src/state/index.js";
import {
  RedisStateStore,
  type RedisStateStoreOptions,
  type StateEvent,
  StateUnavailableError,
} from "../../src/state/redis/index.js";
import { freePort, hasRedisServer, RedisServer, skipReason } from "./support/redis-server.js";
import { waitUntil } from "./support/wait-until.js";

if (!hasRedisServer) console.warn(`test/redis/redis-state-store.test.ts skipped: ${skipReason}`);

const start = Date.UTC(2026, 10, 29, 12, 0, 0);
let server: RedisServer;
let prefix = 0;
const stores: RedisStateStore[] = [];

beforeAll(async () => {
  if (hasRedisServer) server = await RedisServer.start();
});

afterAll(async () => {
  await server?.kill();
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

/** A store on a key prefix of its own test, unless `keyPrefix` says otherwise (replicas share one). */
async function connect(options: Partial<RedisStateStoreOptions> = {}): Promise<RedisStateStore> {
  const store = await RedisStateStore.connect({
    url: server.url,
    keyPrefix: `t${prefix}`,
    probeIntervalMs: 50,
    ...options,
  });
  stores.push(store);
  return store;
}

function observation(target: string, at: number, fields: Partial<AttemptObservation>): AttemptObservation {
  return { target, ok: true, ttftMs: 200, totalMs: 1200, outputTokens: 101, at, ...fields };
}

describe.skipIf(!hasRedisServer)("RedisStateStore", { timeout: 20_000 }, () => {
  afterEach(() => {
    prefix += 1;
  });

  it("gives the same breaker, ejection and latency figures as the in-memory store for any sequence of attempts", async () => {
    // Weighted towards failures of one target, so that ejections and open breakers happen often.
    const kinds: ErrorKind[] = [
      "server",
      "server",
      "timeout",
      "rate_limit",
      "quota",
      "bad_request",
      "aborted",
    ];
    const step = fc.record({
      target: fc.constantFrom("a", "a", "a", "b"),
      advanceMs: fc.oneof(
        fc.constant(0),
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 1, max: 40_000 }),
      ),
      ok: fc.constantFrom(true, false, false),
      kind: fc.constantFrom(...kinds),
      ttftMs: fc.integer({ min: 1, max: 5000 }),
      totalExtraMs: fc.integer({ min: 0, max: 5000 }),
      outputTokens: fc.integer({ min: 0, max: 400 }),
    });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 80 }), async (steps) => {
        run += 1;
        let now = start;
        const clock = () => now;
        const memory = new InMemoryStateStore({ now: clock });
        const redis = await connect({ now: clock, keyPrefix: `parity${prefix}-${run}` });
        for (const current of steps) {
          now += current.advanceMs;
          const observed = current.ok
            ? observation(current.target, now, {
                ttftMs: current.ttftMs,
                totalMs: current.ttftMs + current.totalExtraMs,
                outputTokens: current.outputTokens,
              })
            : observation(current.target, now, {
                ok: false,
                errorKind: current.kind,
                totalMs: 50,
                outputTokens: 0,
              });
          await memory.recordAttempt(observed);
          await redis.recordAttempt(observed);
        }
        for (const later of [0, 15_000, 45_000]) {
          now += later;
          const expected = await memory.snapshot(["a", "b"], []);
          const actual = await redis.snapshot(["a", "b"], []);
          expect(actual.health).toEqual(expected.health);
          expect([...actual.latency.keys()]).toEqual([...expected.latency.keys()]);
          for (const [target, stats] of expected.latency) {
            const shared = actual.latency.get(target);
            for (const field of ["ttftMs", "ttftP95Ms", "outputTokensPerSec", "samples"] as const) {
              expect(shared?.[field]).toBeCloseTo(stats[field], 6);
            }
            expect(shared?.updatedAt).toBe(stats.updatedAt);
          }
        }
        await redis.close();
        stores.splice(stores.indexOf(redis), 1);
      }),
      { numRuns: 40 },
    );
  });

  /** Steps: "ok", an error kind, or a number of ms to advance; both stores are compared after each. */
  const scenarios: [string, (string | number)[]][] = [
    ["opens at 50% failures over exactly 20 calls", repeat(10, ["ok", "server"])],
    ["stays closed at 50% over 18 calls", repeat(9, ["ok", "server"])],
    [
      "goes half-open at exactly openMs, closes on a good probe",
      [...repeat(10, ["ok", "server"]), 29_999, 1, "ok"],
    ],
    ["reopens on a failed probe", [...repeat(10, ["ok", "server"]), 30_000, "server", 30_000, "ok"]],
    ["ignores late results while open", [...repeat(10, ["ok", "server"]), 1000, "ok", "server"]],
    [
      "forgets failures older than the window",
      [...repeat(9, ["ok", "server"]), 61_000, "ok", "server", "server"],
    ],
    ["opens at once on an exhausted quota", ["ok", "quota"]],
    [
      "ejects after exactly 5 consecutive failures, for 30 s",
      [...repeat(4, ["server"]), "server", 29_999, 1],
    ],
    ["ejects longer in a row and caps at maxMs", repeat(12, [...repeat(5, ["timeout"]), 45_000])],
    [
      "ignores stragglers during an ejection",
      [...repeat(5, ["server"]), 1000, ...repeat(5, ["server"]), "ok"],
    ],
    [
      "starts the streak over after a success",
      [...repeat(5, ["server"]), 30_000, "ok", ...repeat(5, ["server"])],
    ],
    [
      "does not count the caller's mistakes",
      repeat(5, ["bad_request", "context_length", "content_filter", "aborted"]),
    ],
  ];

  it.each(scenarios)(
    "moves its shared breaker and ejection exactly as TargetHealth does: %s",
    async (_name, steps) => {
      let now = start;
      const clock = () => now;
      const memory = new InMemoryStateStore({ now: clock });
      const redis = await connect({ now: clock });
      for (const step of steps) {
        if (typeof step === "number") now += step;
        else {
          const observed =
            step === "ok"
              ? observation("a", now, {})
              : observation("a", now, {
                  ok: false,
                  errorKind: step as ErrorKind,
                  totalMs: 50,
                  outputTokens: 0,
                });
          await memory.recordAttempt(observed);
          await redis.recordAttempt(observed);
        }
        expect((await redis.snapshot(["a"], [])).health).toEqual((await memory.snapshot(["a"], [])).health);
      }
    },
  );

  it("shows a breaker opened by one replica in another replica's next snapshot", async () => {
    const seer = await connect();
    const other = await connect();
    const now = Date.now();
    await seer.recordAttempt(observation("a", now, { ok: true }));
    await seer.recordAttempt(observation("a", now, { ok: false, errorKind: "quota" }));
    const snapshot = await other.snapshot(["a", "b"], []);
    expect(snapshot.health.get("a")).toMatchObject({ breaker: "open", openedAt: now });
    expect(snapshot.health.has("b")).toBe(false);
  });

  it("merges the latency of every replica's calls", async () => {
    const one = await connect({ now: () => start });
    const two = await connect({ now: () => start });
    await one.recordAttempt(observation("a", start, { ttftMs: 100 }));
    await two.recordAttempt(observation("a", start, { ttftMs: 300 }));
    const stats = (await one.snapshot(["a"], [])).latency.get("a");
    expect(stats?.ttftMs).toBeCloseTo(200, 6);
    expect(stats?.samples).toBeCloseTo(2, 6);
  });

  it("loses no update when four replicas add spend concurrently", async () => {
    const replicas = await Promise.all([connect(), connect(), connect(), connect()]);
    await Promise.all(
      replicas.flatMap((replica) =>
        Array.from({ length: 250 }, () => replica.addSpend(["route:default", "tag:a"], 0.001)),
      ),
    );
    const snapshot = await replicas[0]?.snapshot([], ["route:default", "tag:a", "tag:none"]);
    expect(snapshot?.spendUsd).toEqual(
      new Map([
        ["route:default", 1],
        ["tag:a", 1],
        ["tag:none", 0],
      ]),
    );
  });

  it("holds an estimate against every daily limit at once and refuses the hold that would break one", async () => {
    const one = await connect();
    const two = await connect();
    const limits = [
      { key: "route:default", limitUsd: 1 },
      { key: "tag:team", limitUsd: 0.5 },
    ];
    await one.addSpend(["route:default", "tag:team"], 0.2);
    const first = await one.holdSpend(limits, 0.2, 60_000);
    expect(first.ok).toBe(true);
    expect(await two.holdSpend(limits, 0.2, 60_000)).toEqual({
      ok: false,
      key: "tag:team",
      limitUsd: 0.5,
      spentUsd: 0.4,
    });
    expect((await two.snapshot([], ["tag:team"])).spendUsd.get("tag:team")).toBeCloseTo(0.4, 9);
    if (first.ok) await first.release();
    expect((await two.holdSpend(limits, 0.2, 60_000)).ok).toBe(true);
  });

  it("lets the hold of a replica that died mid-call lapse after its ttl", async () => {
    const dead = await connect();
    const alive = await connect();
    const limits = [{ key: "route:default", limitUsd: 1 }];
    expect((await dead.holdSpend(limits, 0.9, 200)).ok).toBe(true);
    expect((await alive.holdSpend(limits, 0.5, 60_000)).ok).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await alive.holdSpend(limits, 0.5, 60_000)).ok).toBe(true);
  });

  it("writes only keys under its prefix, each with a TTL", async () => {
    const store = await connect({ keyPrefix: "ttl-check" });
    const now = Date.now();
    await store.recordAttempt(observation("a", now, {}));
    await store.recordAttempt(observation("a", now, { ok: false, errorKind: "server" }));
    await store.addSpend(["route:default"], 0.01);
    const held = await store.holdSpend([{ key: "route:default", limitUsd: 1 }], 0.01, 60_000);
    const limiters = store.createLimiters();
    limiters.update([{ id: "a", limits: { rpm: 10, tpm: 1000, maxConcurrent: 2 } }]);
    const release = await limiters.get("a")?.acquire({ weight: 10 });
    limiters.get("a")?.penalize(10);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const client = server.client();
    const keys = await client.keys("ttl-check:*");
    expect(keys.sort()).toEqual([
      `ttl-check:health:a`,
      `ttl-check:holds:${today()}:route:default`,
      `ttl-check:latency:a`,
      `ttl-check:running:a`,
      `ttl-check:spend:${today()}:route:default`,
      `ttl-check:spendkeys:${today()}`,
      `ttl-check:window:a`,
    ]);
    for (const key of keys) expect(await client.pttl(key), key).toBeGreaterThan(0);
    expect(await client.pttl(`ttl-check:spend:${today()}:route:default`)).toBeLessThanOrEqual(2 * 86_400_000);
    expect(await client.pttl("ttl-check:health:a")).toBeLessThanOrEqual(3_600_000);
    release?.();
    if (held.ok) await held.release();
    client.disconnect();
  });

  it("refuses to start when Redis cannot be reached, naming host and port but never the password", async () => {
    const port = await freePort();
    const attempt = RedisStateStore.connect({ url: `redis://:hunter2-secret@127.0.0.1:${port}` });
    await expect(attempt).rejects.toSatisfy(
      (error: unknown) =>
        StateUnavailableError.isInstance(error) &&
        error.message.includes(`127.0.0.1:${port}`) &&
        error.message.includes("ECONNREFUSED") &&
        !JSON.stringify({ message: error.message, json: error.toJSON() }).includes("hunter2"),
    );
  });

  it("rejects a bad observation or amount, naming this store and the field", async () => {
    const store = await connect();
    await expect(store.recordAttempt(observation("a", Date.now(), { totalMs: -1 }))).rejects.toThrow(
      /^RedisStateStore\.recordAttempt\("a"\): totalMs must be a finite number ≥ 0, got -1$/,
    );
    await expect(store.addSpend(["route:default"], Number.NaN)).rejects.toThrow(
      "RedisStateStore.addSpend: usd must be a finite number ≥ 0, got NaN",
    );
    await expect(connect({ breaker: { failureRatio: 2 } })).rejects.toThrow(
      "RedisStateStore: breaker.failureRatio must be at most 1, got 2",
    );
  });

  it("rejects a key prefix with spaces or glob characters", async () => {
    await expect(connect({ keyPrefix: "bad prefix*" })).rejects.toThrow(/keyPrefix must be 1–64 letters/);
  });
});

describe.skipIf(!hasRedisServer)("RedisStateStore while Redis is down", { timeout: 20_000 }, () => {
  let outage: RedisServer;

  beforeAll(async () => {
    if (hasRedisServer) outage = await RedisServer.start();
  });

  afterAll(async () => {
    await outage?.kill();
  });

  afterEach(async () => {
    await outage.start();
  });

  async function outageStore(options: Partial<RedisStateStoreOptions> = {}) {
    const events: StateEvent[] = [];
    const keyPrefix = `outage${prefix++}`;
    const store = await connect({
      url: outage.url,
      keyPrefix,
      onEvent: (event) => events.push(event),
      ...options,
    });
    return { store, events, keyPrefix };
  }

  it("fails open: routes on its own records, warns, and writes the spend of the outage once Redis is back", async () => {
    const { store, events, keyPrefix } = await outageStore();
    await store.addSpend(["route:default"], 0.25);
    await store.snapshot([], ["route:default"]);
    await outage.kill();
    await store.addSpend(["route:default"], 0.5);
    await store.recordAttempt(observation("a", Date.now(), { ok: false, errorKind: "quota" }));
    const during = await store.snapshot(["a"], ["route:default"]);
    expect(during.spendUsd.get("route:default")).toBeCloseTo(0.75, 9);
    expect(during.health.get("a")?.breaker).toBe("open");
    expect(events[0]).toMatchObject({ type: "state", status: "unavailable" });
    expect(events[0]?.message).toContain(`127.0.0.1:${outage.port}`);
    await outage.start();
    await waitUntil(() => events.some((event) => event.status === "restored"));
    const client = outage.client();
    // Redis came back empty (no persistence): the replica wrote its whole share again.
    expect(await client.hget(`${keyPrefix}:spend:${today()}:route:default`, "total")).toBe(String(0.75e9));
    client.disconnect();
    expect((await store.snapshot([], ["route:default"])).spendUsd.get("route:default")).toBeCloseTo(0.75, 9);
  });

  it("fails closed: refuses snapshots and holds with StateUnavailableError, yet loses no recorded spend", async () => {
    const { store, events } = await outageStore({ onUnavailable: "fail-closed" });
    await outage.kill();
    await store.addSpend(["route:default"], 0.5);
    await expect(store.snapshot([], ["route:default"])).rejects.toSatisfy(StateUnavailableError.isInstance);
    await expect(store.holdSpend([{ key: "route:default", limitUsd: 1 }], 0.1, 1000)).rejects.toSatisfy(
      StateUnavailableError.isInstance,
    );
    await store.recordAttempt(observation("a", Date.now(), {}));
    await outage.start();
    await waitUntil(() => events.some((event) => event.status === "restored"));
    expect((await store.snapshot([], ["route:default"])).spendUsd.get("route:default")).toBeCloseTo(0.5, 9);
  });

  it("makes the ledger whole again after Redis restarts empty: every replica re-writes its share once", async () => {
    const shared = `outage${prefix++}`;
    const replicas = await Promise.all(
      [1, 2, 3].map(async () => {
        const events: StateEvent[] = [];
        const store = await connect({
          url: outage.url,
          keyPrefix: shared,
          onEvent: (event) => events.push(event),
        });
        return { store, events };
      }),
    );
    for (const [index, replica] of replicas.entries())
      await replica.store.addSpend(["tag:x"], 0.1 * (index + 1));
    const held = await replicas[0]?.store.holdSpend([{ key: "tag:x", limitUsd: 1 }], 0.3, 60_000);
    await outage.kill();
    await outage.start();
    await waitUntil(() =>
      replicas.every((replica) => replica.events.some((event) => event.status === "restored")),
    );
    const snapshot = await replicas[1]?.store.snapshot([], ["tag:x"]);
    expect(snapshot?.spendUsd.get("tag:x")).toBeCloseTo(0.6 + 0.3, 9);
    if (held?.ok) await held.release();
    await replicas[2]?.store.addSpend(["tag:x"], 0.05);
    expect((await replicas[1]?.store.snapshot([], ["tag:x"]))?.spendUsd.get("tag:x")).toBeCloseTo(0.65, 9);
  });
});

function repeat<T>(times: number, items: readonly T[]): T[] {
  return Array.from({ length: times }, () => items).flat();
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}
