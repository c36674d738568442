// REAL TIME: this file runs for about 70 seconds. Four router processes share a target limited to
// 60 requests per minute over a real minute, with nothing shortened (the policy's `state: redis`).
// test/redis/replicas.test.ts checks the same with a 6 s window in a fraction of the time.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the policy writes the literal ${REDIS_URL} syntax
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { busiestSpan } from "./support/busiest-span.js";
import { compiledDist } from "./support/compiled-dist.js";
import { type FakeOpenAI, startFakeOpenAI } from "./support/fake-openai.js";
import { hasRedisServer, RedisServer, skipReason } from "./support/redis-server.js";
import { ReplicaProcess } from "./support/replica-process.js";

if (!hasRedisServer) console.warn(`test/redis/real-minute-rpm.test.ts skipped: ${skipReason}`);

let dist: string;
let redis: RedisServer;
let fake: FakeOpenAI;
let replicas: ReplicaProcess[] = [];

beforeAll(async () => {
  if (!hasRedisServer) return;
  dist = compiledDist();
  redis = await RedisServer.start();
  fake = await startFakeOpenAI();
}, 240_000);

afterAll(async () => {
  await Promise.all(replicas.map((replica) => replica.close()));
  await fake?.close();
  await redis?.kill();
});

const messages = [{ role: "user", content: "hi" }];
const price = { input: 1, output: 2 };

describe.skipIf(!hasRedisServer)("real time: four processes over a real minute", () => {
  it("send a target limited to 60 rpm at most 60 requests in any minute between them, not 240", async () => {
    const target = { provider: "fake", price, contextWindow: 8192 };
    const policy = {
      providers: { fake: { type: "openai-compatible", baseURL: fake.baseURL, apiKey: "test-key-minute" } },
      targets: {
        limited: { ...target, model: "limited", limits: { rpm: 60, maxQueue: 1000 } },
        warm: { ...target, model: "warm" },
      },
      routes: { default: { targets: ["limited"] }, warm: { targets: ["warm"] } },
      state: { store: "redis", url: "${REDIS_URL}", keyPrefix: "real-minute" },
    };
    replicas = await Promise.all(
      [1, 2, 3, 4].map(() => ReplicaProcess.start(dist, { policy, env: { REDIS_URL: redis.url } })),
    );
    await Promise.all(
      replicas.map((replica) =>
        replica.calls({ request: { route: "warm", messages, maxTokens: 2 }, count: 3 }),
      ),
    );
    const started = Date.now();
    await Promise.all(
      replicas.map((replica) =>
        replica.calls({
          request: { messages, maxTokens: 2 },
          concurrency: 8,
          durationMs: 61_500,
          abortAtEnd: true,
        }),
      ),
    );
    const times = fake.requests.get("limited") ?? [];
    // Tolerance: 300 ms for the trip from admission to arrival at the provider (see replicas.test.ts).
    expect(busiestSpan(times, 60_000 - 300)).toBeLessThanOrEqual(60);
    expect(times.filter((time) => time < started + 60_000 - 300)).toHaveLength(60);
    // The next minute's requests went out as the first minute's aged out of the window.
    expect(times.length).toBeGreaterThan(60);
    for (const replica of replicas) expect(replica.crashes).toEqual([]);
  }, 120_000);
});
