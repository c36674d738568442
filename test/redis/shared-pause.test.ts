import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createRouter } from "../../index.js";
import { RedisStateStore } from "../../src/state/redis/index.js";
import { startHarness } from "../faults/support/fault-harness.js";
import { openaiShape } from "../faults/support/provider-shapes.js";
import { answer, fail } from "../faults/support/replies.js";
import { Upstream } from "../faults/support/upstream.js";
import { useMswServer } from "../support/msw-server.js";
import { hasRedisServer, RedisServer, skipReason } from "./support/redis-server.js";

if (!hasRedisServer) console.warn(`test/redis/shared-pause.test.ts skipped: ${skipReason}`);

useMswServer();

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
  prefix += 1;
});

/** One replica's store; replicas of one deployment share the key prefix. */
async function replicaStore(): Promise<RedisStateStore> {
  const store = await RedisStateStore.connect({ url: server.url, keyPrefix: `pause${prefix}` });
  stores.push(store);
  return store;
}

const messages = [{ role: "user" as const, content: "hi" }];

describe.skipIf(!hasRedisServer)("a 429 pause shared through Redis", { timeout: 20_000 }, () => {
  it("is seen by every replica's snapshot, and a shorter pause never shortens it", async () => {
    const [one, two] = await Promise.all([replicaStore(), replicaStore()]);
    const until = Date.now() + 60_000;
    await one.pauseTarget("a", until);
    await two.pauseTarget("a", until - 30_000);
    const seen = await two.snapshot(["a", "b"], []);
    expect(seen.pausedUntil).toEqual(new Map([["a", until]]));
  });

  it("sends a second router's calls past the target a 429 paused on the first router", async () => {
    const a = new Upstream("a", openaiShape).replies(
      fail("rate-limit", { headers: { "retry-after": "30" } }),
      answer("from a"),
    );
    const b = new Upstream("b", openaiShape).replies(answer("from b"));
    const [storeOne, storeTwo] = await Promise.all([replicaStore(), replicaStore()]);
    const first = await startHarness({ targets: { a, b }, store: storeOne });
    const second = await createRouter({ policy: first.policy, state: storeTwo, random: () => 0 });
    const paused = await first.router.chat({ messages });
    expect(paused.text).toBe("from b");
    const results = await Promise.all(Array.from({ length: 20 }, () => second.chat({ messages })));
    expect(results.every((result) => result.text === "from b")).toBe(true);
    expect(a.count).toBe(1);
    const pausedUntil = paused.route.paused?.[0]?.until;
    expect(results[0]?.route.paused).toEqual([
      { target: "a", until: pausedUntil, reason: "retry-after", action: "skipped" },
    ]);
    await Promise.all([first.router.close(), second.close()]);
  });

  it("sends a replica's calls past a target whose shared rpm window other replicas filled, at once", async () => {
    const a = new Upstream("a", openaiShape).replies(answer("from a"));
    const b = new Upstream("b", openaiShape).replies(answer("from b"));
    const [storeOne, storeTwo] = await Promise.all([replicaStore(), replicaStore()]);
    const first = await startHarness({
      targets: { a: { upstream: a, limits: { rpm: 5 } }, b },
      store: storeOne,
    });
    const filled = await Promise.all(Array.from({ length: 5 }, () => first.router.chat({ messages })));
    expect(filled.every((result) => result.text === "from a")).toBe(true);
    // This replica never sent to `a`: only Redis knows its window is full.
    const second = await createRouter({ policy: first.policy, state: storeTwo, random: () => 0 });
    const results = await Promise.all(Array.from({ length: 100 }, () => second.chat({ messages })));
    expect(results.every((result) => result.text === "from b")).toBe(true);
    expect(a.count).toBe(5);
    expect(results[0]?.route.paused).toEqual([
      expect.objectContaining({ target: "a", reason: "rate-limit", action: "skipped" }),
    ]);
    await Promise.all([first.router.close(), second.close()]);
  });
});
