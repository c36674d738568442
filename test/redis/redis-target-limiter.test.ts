import { getEventListeners } from "node:events";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { QueueFullError, type RateLimits, RouterClosedError } from "../../src/core/index.js";
import {
  RedisStateStore,
  type RedisStateStoreOptions,
  type StateEvent,
  StateUnavailableError,
} from "../../src/state/redis/index.js";
import type { RedisLimiterRegistry } from "../../src/state/redis/limits/index.js";
import { busiestSpan } from "./support/busiest-span.js";
import { hasRedisServer, RedisServer, skipReason } from "./support/redis-server.js";
import { waitUntil } from "./support/wait-until.js";

if (!hasRedisServer) console.warn(`test/redis/redis-target-limiter.test.ts skipped: ${skipReason}`);

/** A shortened window (rpm and tpm then count per 1.2 s): the logic is the same, the test is quick. */
const windowMs = 1200;
let server: RedisServer;
let test = 0;
const stores: RedisStateStore[] = [];

beforeAll(async () => {
  if (hasRedisServer) server = await RedisServer.start();
});

afterAll(async () => {
  await server?.kill();
});

afterEach(async () => {
  test += 1;
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

/** One replica's limiter for target "t"; replicas of one test share its key prefix. */
async function replica(limits: RateLimits, options: Partial<RedisStateStoreOptions> = {}) {
  const store = await RedisStateStore.connect({
    url: server.url,
    keyPrefix: `limits${test}`,
    probeIntervalMs: 50,
    limiter: { windowMs, pollMs: 50, ...options.limiter },
    ...options,
  });
  stores.push(store);
  const registry: RedisLimiterRegistry = store.createLimiters();
  registry.update([{ id: "t", limits }]);
  const limiter = registry.get("t");
  if (!limiter) throw new Error("no limiter for t");
  return limiter;
}

/** Starts an acquire and records when it is admitted or rejected. */
function track(promise: Promise<() => void>) {
  const state: { release?: () => void; error?: unknown; at?: number } = {};
  promise.then(
    (release) => {
      state.release = release;
      state.at = Date.now();
    },
    (error: unknown) => {
      state.error = error;
    },
  );
  return state;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!hasRedisServer)("RedisTargetLimiter", { timeout: 20_000 }, () => {
  it("admits at most rpm calls per window across three replicas, and the rest as the window slides", async () => {
    const limiters = await Promise.all([1, 2, 3].map(() => replica({ rpm: 5 })));
    const calls = limiters.flatMap((limiter) => Array.from({ length: 4 }, () => track(limiter.acquire())));
    await sleep(windowMs / 2);
    expect(calls.filter((call) => call.release)).toHaveLength(5);
    await waitUntil(() => calls.every((call) => call.release), 5000, "every call admitted");
    const times = calls.map((call) => call.at ?? 0);
    // Times are when each caller saw its admission, up to a loaded event loop's delay after Redis
    // admitted it; a span shorter by that tolerance still catches any overshoot of the limit.
    const observationToleranceMs = 200;
    expect(busiestSpan(times, windowMs - observationToleranceMs)).toBeLessThanOrEqual(5);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(2 * windowMs);
  });

  it("counts reserved tokens against tpm across replicas and charges tokens used beyond the reservation", async () => {
    const [one, two] = await Promise.all([replica({ tpm: 1000 }), replica({ tpm: 1000 })]);
    const first = track(one!.acquire({ weight: 300 }));
    await waitUntil(() => Boolean(first.release));
    one!.correct(300, 900);
    await sleep(20);
    const second = track(two!.acquire({ weight: 200 }));
    await sleep(windowMs / 3);
    expect(second.release).toBeUndefined();
    expect(two!.expectedWaitMs(200)).toBeGreaterThan(0);
    await waitUntil(() => Boolean(second.release), 3000, "the second call after the window slid");
  });

  it("settles a smaller use in the slot the reservation was charged to, freeing the tokens at once", async () => {
    const [one, two] = await Promise.all([replica({ tpm: 1000 }), replica({ tpm: 1000 })]);
    const first = track(one!.acquire({ weight: 900 }));
    await waitUntil(() => Boolean(first.release));
    one!.correct(900, 100);
    await sleep(20);
    const second = track(two!.acquire({ weight: 800 }));
    await waitUntil(() => Boolean(second.release), windowMs / 2, "the second call inside the same window");
  });

  it("holds callers beyond maxConcurrent on every replica, and a release anywhere admits the next at once", async () => {
    const slowPoll = { limiter: { windowMs, pollMs: 5000 } };
    const [one, two] = await Promise.all([
      replica({ maxConcurrent: 2 }, slowPoll),
      replica({ maxConcurrent: 2 }, slowPoll),
    ]);
    const running = [track(one!.acquire()), track(two!.acquire())];
    await waitUntil(() => running.every((call) => call.release));
    const waiting = track(two!.acquire());
    await sleep(200);
    expect(waiting.release).toBeUndefined();
    const releasedAt = Date.now();
    running[0]?.release?.();
    // Announced over Pub/Sub: far sooner than the 5 s poll.
    await waitUntil(() => Boolean(waiting.release), 2000, "the waiter on the other replica");
    expect((waiting.at ?? 0) - releasedAt).toBeLessThan(1000);
  });

  it("gives the slot of a replica that died mid-call back after its lease", async () => {
    const dead = await replica({ maxConcurrent: 1 }, { limiter: { windowMs, pollMs: 50, leaseMs: 300 } });
    const alive = await replica({ maxConcurrent: 1 }, { limiter: { windowMs, pollMs: 50, leaseMs: 300 } });
    const held = track(dead.acquire());
    await waitUntil(() => Boolean(held.release));
    await stores[0]?.close();
    const next = track(alive.acquire());
    await sleep(150);
    expect(next.release).toBeUndefined();
    await waitUntil(() => Boolean(next.release), 2000, "the lease to lapse");
  });

  it("keeps renewing the lease of a call that runs longer than leaseMs", async () => {
    const options = { limiter: { windowMs, pollMs: 50, leaseMs: 300 } };
    const [one, two] = await Promise.all([
      replica({ maxConcurrent: 1 }, options),
      replica({ maxConcurrent: 1 }, options),
    ]);
    const long = track(one!.acquire());
    await waitUntil(() => Boolean(long.release));
    const next = track(two!.acquire());
    await sleep(900);
    expect(next.release).toBeUndefined();
    long.release?.();
    await waitUntil(() => Boolean(next.release));
  });

  it("pauses every replica after a 429 seen by one", async () => {
    const [one, two] = await Promise.all([replica({ rpm: 100 }), replica({ rpm: 100 })]);
    one!.penalize(500);
    await sleep(20);
    const started = Date.now();
    const call = track(two!.acquire());
    await waitUntil(() => Boolean(call.release), 2000, "the pause to end");
    expect((call.at ?? 0) - started).toBeGreaterThanOrEqual(400);
  });

  it("takes an aborted waiter out of the queue at once, leaving no listener, and gives back an admission it got", async () => {
    const limiter = await replica({ maxConcurrent: 1, maxQueue: 3 });
    const first = track(limiter.acquire());
    await waitUntil(() => Boolean(first.release));
    const controller = new AbortController();
    const aborted = track(limiter.acquire({ signal: controller.signal }));
    expect(limiter.waiting).toBe(1);
    controller.abort(new Error("caller gave up"));
    await sleep(10);
    expect(aborted.error).toMatchObject({ message: "caller gave up" });
    expect(limiter.waiting).toBe(0);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    first.release?.();
    const next = track(limiter.acquire());
    await waitUntil(() => Boolean(next.release), 2000, "the slot to be free for the next caller");
  });

  it("rejects with QueueFullError once maxQueue callers of this replica wait", async () => {
    const limiter = await replica({ maxConcurrent: 1, maxQueue: 2 });
    const running = track(limiter.acquire());
    await waitUntil(() => Boolean(running.release));
    const waiting = [track(limiter.acquire()), track(limiter.acquire())];
    await expect(limiter.acquire()).rejects.toSatisfy(
      (error: unknown) => QueueFullError.isInstance(error) && error.target === "t" && error.limit === 2,
    );
    expect(waiting.every((call) => call.error === undefined)).toBe(true);
  });

  it("rejects every waiter and every later caller with a RouterClosedError when closed", async () => {
    const limiter = await replica({ maxConcurrent: 1 });
    track(limiter.acquire());
    const waiting = track(limiter.acquire());
    await sleep(50);
    limiter.close();
    await sleep(10);
    expect(RouterClosedError.isInstance(waiting.error)).toBe(true);
    await expect(limiter.acquire()).rejects.toSatisfy(RouterClosedError.isInstance);
  });

  it("still admits the callers waiting on it once a reload retired it, then closes itself", async () => {
    const limiter = await replica({ maxConcurrent: 1 });
    const first = track(limiter.acquire());
    await waitUntil(() => Boolean(first.release));
    const waiting = Array.from({ length: 5 }, () => track(limiter.acquire()));
    limiter.retire();
    expect(limiter.closed).toBe(false);
    first.release?.();
    for (const call of waiting) {
      await waitUntil(() => Boolean(call.release || call.error), 5000, "the next waiter admitted");
      expect(call.error).toBeUndefined();
      call.release?.();
    }
    await waitUntil(() => limiter.closed, 5000, "the retired limiter closed");
  });
});

describe.skipIf(!hasRedisServer)("RedisTargetLimiter while Redis is down", { timeout: 20_000 }, () => {
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

  it("fails open: admits through a local limiter with the same limits, then shares again once Redis is back", async () => {
    const events: StateEvent[] = [];
    const limiter = await replica({ rpm: 3 }, { url: outage.url, onEvent: (event) => events.push(event) });
    await outage.kill();
    const calls = Array.from({ length: 4 }, () => track(limiter.acquire()));
    await sleep(200);
    // The local limiter counts rpm per real minute: three now, the fourth a minute later.
    expect(calls.filter((call) => call.release)).toHaveLength(3);
    expect(events.map((event) => event.status)).toEqual(["unavailable"]);
    await outage.start();
    await waitUntil(() => events.some((event) => event.status === "restored"));
    const shared = track(limiter.acquire());
    await waitUntil(() => Boolean(shared.release), 2000, "a shared admission after the outage");
    limiter.close();
  });

  it("fails closed: rejects waiting and new callers with StateUnavailableError", async () => {
    const limiter = await replica({ rpm: 3 }, { url: outage.url, onUnavailable: "fail-closed" });
    await outage.kill();
    await expect(limiter.acquire()).rejects.toSatisfy(StateUnavailableError.isInstance);
  });
});
