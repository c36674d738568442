import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createRouter } from "../../index.js";
import { RedisStateStore } from "../../src/state/redis/index.js";
import { startHarness } from "../faults/support/fault-harness.js";
import { openaiShape } from "../faults/support/provider-shapes.js";
import { answer } from "../faults/support/replies.js";
import { Upstream } from "../faults/support/upstream.js";
import { useMswServer } from "../support/msw-server.js";
import { hasRedisServer, RedisServer, skipReason } from "./support/redis-server.js";

if (!hasRedisServer) console.warn(`test/redis/response-cache.test.ts skipped: ${skipReason}`);

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
  const store = await RedisStateStore.connect({ url: server.url, keyPrefix: `cache${prefix}` });
  stores.push(store);
  return store;
}

const greedy = {
  messages: [{ role: "user" as const, content: "What is the capital of France?" }],
  temperature: 0,
};

describe.skipIf(!hasRedisServer)("a response cache in Redis", { timeout: 20_000 }, () => {
  it("keeps entries with Redis's own expiry, under the store's key prefix", async () => {
    const store = await replicaStore();
    await store.setCached("k1", "v1", 60_000);
    expect(await store.getCached("k1")).toBe("v1");
    expect(await store.getCached("absent")).toBeUndefined();
    await store.setCached("short", "v", 50);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await store.getCached("short")).toBeUndefined();
    const { Redis } = await import("ioredis");
    const client = new Redis(server.url);
    try {
      const ttl = await client.pttl(`cache${prefix}:cache:k1`);
      expect(ttl).toBeGreaterThan(59_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
    } finally {
      client.disconnect();
    }
  });

  it("rejects a bad entry, naming the store", async () => {
    const store = await replicaStore();
    await expect(store.setCached("k", "v", 0)).rejects.toThrow(/RedisStateStore.setCached: ttlMs/);
    await expect(store.getCached("")).rejects.toThrow(/RedisStateStore.getCached: key/);
  });

  it("serves a second router what the first one stored: one upstream call for both", async () => {
    const a = new Upstream("a", openaiShape).replies(answer("Paris."));
    const [storeOne, storeTwo] = await Promise.all([replicaStore(), replicaStore()]);
    const first = await startHarness({
      targets: { a },
      routes: { default: { targets: ["a"], cache: { ttlMs: 60_000, store: "state" } } },
      store: storeOne,
    });
    const second = await createRouter({ policy: first.policy, state: storeTwo, random: () => 0 });
    const miss = await first.router.chat(greedy);
    const hit = await second.chat(greedy);
    expect(miss.route.cache).toBe("miss");
    expect(hit).toMatchObject({
      text: "Paris.",
      costUsd: 0,
      usage: miss.usage,
      route: { cache: "hit", target: "a" },
    });
    expect(a.count).toBe(1);
    const explained = await second.explain(greedy);
    expect(explained.cache).toMatchObject({ status: "hit", target: "a" });
    await Promise.all([first.router.close(), second.close()]);
  });

  it("is a miss, never a failed call, while Redis is down", async () => {
    const a = new Upstream("a", openaiShape).replies(answer("Paris."));
    const down = await RedisServer.start();
    const store = await RedisStateStore.connect({ url: down.url, keyPrefix: "down", probeIntervalMs: 50 });
    stores.push(store);
    const { router } = await startHarness({
      targets: { a },
      routes: { default: { targets: ["a"], cache: { ttlMs: 60_000, store: "state" } } },
      store,
    });
    await down.kill();
    const first = await router.chat(greedy);
    const second = await router.chat(greedy);
    expect([first.route.cache, second.route.cache]).toEqual(["miss", "miss"]);
    expect(a.count).toBe(2);
    await router.close();
  });
});
