// biome-ignore-all lint/suspicious/noTemplateCurlyInString: policies here write the literal ${REDIS_URL} syntax
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRouter } from "../../index.js";
import { type FakeOpenAI, startFakeOpenAI } from "./support/fake-openai.js";
import { hasRedisServer, RedisServer, skipReason } from "./support/redis-server.js";

if (!hasRedisServer) console.warn(`test/redis/policy-health.test.ts skipped: ${skipReason}`);

let redis: RedisServer;
let fake: FakeOpenAI;

beforeAll(async () => {
  if (!hasRedisServer) return;
  redis = await RedisServer.start();
  fake = await startFakeOpenAI();
});

afterAll(async () => {
  await fake?.close();
  await redis?.kill();
});

const messages = [{ role: "user" as const, content: "hi" }];

describe.skipIf(!hasRedisServer)("the policy's health section with state: redis", { timeout: 20_000 }, () => {
  it("opens the shared breaker after the policy's threshold, counted over both replicas", async () => {
    fake.setMode("flaky", "fail");
    const price = { input: 1, output: 1 };
    const policy = {
      providers: {
        fake: { type: "openai-compatible" as const, baseURL: fake.baseURL, apiKey: "test-key-health" },
      },
      targets: {
        flaky: { provider: "fake", model: "flaky", price, maxAttempts: 1 },
        steady: { provider: "fake", model: "steady", price },
      },
      routes: { default: { targets: ["flaky", "steady"] } },
      state: { store: "redis" as const, url: "${REDIS_URL}", keyPrefix: "policy-health" },
      health: { breaker: { minCalls: 2, failureRatio: 0.5 } },
    };
    const env = { REDIS_URL: redis.url };
    const [one, two] = await Promise.all([createRouter({ policy, env }), createRouter({ policy, env })]);
    await one.chat({ messages, maxTokens: 2 });
    await two.chat({ messages, maxTokens: 2 });
    expect(fake.count("flaky")).toBe(2);
    const third = await one.chat({ messages, maxTokens: 2 });
    expect(fake.count("flaky")).toBe(2);
    expect(third.route.rejected).toEqual([
      expect.objectContaining({
        target: "flaky",
        reason: expect.stringContaining("circuit breaker is open"),
      }),
    ]);
    await Promise.all([one.close(), two.close()]);
  });
});
