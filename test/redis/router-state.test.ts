// biome-ignore-all lint/suspicious/noTemplateCurlyInString: policies here write the literal ${REDIS_URL} syntax
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BudgetExceededError, createRouter, type RouterEvent } from "../../index.js";
import { StateUnavailableError } from "../../src/state/redis/index.js";
import { type FakeOpenAI, startFakeOpenAI } from "./support/fake-openai.js";
import { freePort, hasRedisServer, RedisServer, skipReason } from "./support/redis-server.js";
import { waitUntil } from "./support/wait-until.js";

if (!hasRedisServer) console.warn(`test/redis/router-state.test.ts skipped: ${skipReason}`);

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

function policy(keyPrefix: string, extra: Record<string, unknown> = {}) {
  return {
    providers: {
      fake: { type: "openai-compatible" as const, baseURL: fake.baseURL, apiKey: "test-key-router" },
    },
    targets: {
      t: { provider: "fake", model: "t", price: { input: 300, output: 1150 }, contextWindow: 8192 },
    },
    routes: { default: { targets: ["t"], budget: { dailyUsd: 0.04 } } },
    state: { store: "redis" as const, url: "${REDIS_URL}", keyPrefix, ...extra },
  };
}

describe.skipIf(!hasRedisServer)("a router with the policy's state: redis", { timeout: 20_000 }, () => {
  it("refuses to start when Redis is unreachable, naming host and port but never the password", async () => {
    const port = await freePort();
    const attempt = createRouter({
      policy: policy("unreachable"),
      env: { REDIS_URL: `redis://:router-secret-password@127.0.0.1:${port}` },
    });
    await expect(attempt).rejects.toSatisfy(
      (error: unknown) =>
        StateUnavailableError.isInstance(error) &&
        error.message.includes(`127.0.0.1:${port}`) &&
        !error.message.includes("router-secret-password"),
    );
  });

  it("lets only one of two replicas' concurrent calls through when only one fits the shared daily budget", async () => {
    const slow = await startFakeOpenAI({ delayMs: 300 });
    const env = { REDIS_URL: redis.url };
    const slowPolicy = {
      ...policy("router-budget"),
      providers: {
        fake: { type: "openai-compatible" as const, baseURL: slow.baseURL, apiKey: "test-key-router" },
      },
    };
    const [one, two] = await Promise.all([
      createRouter({ policy: slowPolicy, env }),
      createRouter({ policy: slowPolicy, env }),
    ]);
    // Each answer costs $0.0047, but each call first holds its estimate, ~$0.0257 (the host's
    // tokenizer is unknown, so the prompt is bounded by its UTF-8 bytes plus template framing):
    // after one answer, one more hold fits in $0.04, two do not.
    await one.chat({ messages, maxTokens: 2 });
    const outcomes = await Promise.allSettled([
      one.chat({ messages, maxTokens: 2 }),
      two.chat({ messages, maxTokens: 2 }),
    ]);
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
    const refusal = outcomes.find((outcome) => outcome.status === "rejected")?.reason;
    // Refused by the spend hold, or by the budget filter that already sees the other call's hold.
    expect(
      (BudgetExceededError.isInstance(refusal) && refusal.budget === "route:default") ||
        (refusal instanceof Error && refusal.message.includes("past its daily budget")),
    ).toBe(true);
    expect(slow.count("t")).toBe(2);
    await Promise.all([one.close(), two.close(), slow.close()]);
  });

  it("reports Redis going away and coming back through onEvent, and keeps answering (fail-open)", async () => {
    const events: RouterEvent[] = [];
    const router = await createRouter({
      policy: { ...policy("router-events"), routes: { default: { targets: ["t"] } } },
      env: { REDIS_URL: redis.url },
      onEvent: (event) => events.push(event),
    });
    await redis.kill();
    const answered = await router.chat({ messages, maxTokens: 2 });
    expect(answered.text).toBe("ok");
    await redis.start();
    await waitUntil(() => events.some((event) => event.type === "state" && event.status === "restored"));
    const states = events.filter((event) => event.type === "state");
    expect(states.map((event) => event.status)).toEqual(["unavailable", "restored"]);
    await router.close();
  });
});
