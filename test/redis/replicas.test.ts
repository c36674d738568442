// biome-ignore-all lint/suspicious/noTemplateCurlyInString: policies here write the literal ${REDIS_URL} syntax
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { busiestSpan } from "./support/busiest-span.js";
import { compiledDist } from "./support/compiled-dist.js";
import { type FakeOpenAI, fakeUsage, startFakeOpenAI } from "./support/fake-openai.js";
import { hasRedisServer, RedisServer, skipReason } from "./support/redis-server.js";
import { type CallSummary, ReplicaProcess } from "./support/replica-process.js";

if (!hasRedisServer) console.warn(`test/redis/replicas.test.ts skipped: ${skipReason}`);

let dist: string;
let redis: RedisServer;
let fake: FakeOpenAI;
let prefix = 0;
let replicas: ReplicaProcess[] = [];

beforeAll(async () => {
  if (!hasRedisServer) return;
  dist = compiledDist();
  redis = await RedisServer.start();
  fake = await startFakeOpenAI();
}, 240_000);

afterAll(async () => {
  await fake?.close();
  await redis?.kill();
});

afterEach(async () => {
  for (const replica of replicas) expect(replica.crashes, "unhandled rejections or exceptions").toEqual([]);
  await Promise.all(replicas.map((replica) => replica.close()));
  replicas = [];
  prefix += 1;
});

const messages = [{ role: "user", content: "hi" }];

/** $300/M prompt and $1150/M output tokens: each answer (8 prompt, 2 output tokens) costs $0.0047. */
const price = { input: 300, output: 1150 };
const answerUsd = (fakeUsage.prompt_tokens * price.input + fakeUsage.completion_tokens * price.output) / 1e6;
/**
 * What each call holds before it is sent: the fake is an OpenAI-compatible host, whose tokenizer
 * is unknown, so "hi" from a user is bounded at 64 + 8 + 4 + 2 prompt tokens (README, cost
 * estimates), plus `maxTokens: 2` of output.
 */
const holdUsd = ((64 + 8 + 4 + 2) * price.input + 2 * price.output) / 1e6;

function policy(options: {
  targets: Record<string, Record<string, unknown>>;
  routes: Record<string, Record<string, unknown>>;
  state?: Record<string, unknown>;
}) {
  const targets = Object.fromEntries(
    Object.entries(options.targets).map(([id, target]) => [
      id,
      { provider: "fake", model: id, price, contextWindow: 8192, ...target },
    ]),
  );
  return {
    providers: { fake: { type: "openai-compatible", baseURL: fake.baseURL, apiKey: "test-key-replicas" } },
    targets,
    routes: options.routes,
    ...(options.state ? { state: options.state } : {}),
  };
}

/** Starts `count` replicas, each a process with its own router and connections. */
async function startReplicas(count: number, start: Parameters<typeof ReplicaProcess.start>[1]) {
  replicas = await Promise.all(Array.from({ length: count }, () => ReplicaProcess.start(dist, start)));
  return replicas;
}

/** The route's spend today as the shared ledger holds it, dollars. */
async function ledgerUsd(keyPrefix: string, key: string): Promise<number> {
  const client = redis.client();
  const day = new Date().toISOString().slice(0, 10);
  const total = await client.hget(`${keyPrefix}:spend:${day}:${key}`, "total");
  client.disconnect();
  return Number(total ?? 0) / 1e9;
}

/** The replica's state events, once it reported Redis back (or after 10 s). */
async function eventsOnceRestored(replica: ReplicaProcess) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const events = await replica.events();
    if (events.some((event) => event.status === "restored") || Date.now() > deadline) return events;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function sum(summaries: readonly CallSummary[], pick: (summary: CallSummary) => number): number {
  return summaries.reduce((total, summary) => total + pick(summary), 0);
}

describe.skipIf(!hasRedisServer)("four router processes sharing Redis", { timeout: 60_000 }, () => {
  it("keep a target limited to 60 requests per window within 60 in any window together, not 240", async () => {
    // The window is 6 s here (an internal option of the store) so the test takes 13 s, not two
    // minutes; test/redis/real-minute-rpm.test.ts runs the real 60 rpm over a real minute.
    const windowMs = 6000;
    const keyPrefix = `replicas${prefix}`;
    await startReplicas(4, {
      policy: policy({
        targets: { limited: { limits: { rpm: 60, maxQueue: 1000 } }, warm: {} },
        routes: { default: { targets: ["limited"] }, warm: { targets: ["warm"] } },
      }),
      store: { url: redis.url, keyPrefix, limiter: { windowMs } },
    });
    // Warm up first (module loading, connections): a cold replica takes up to a second between
    // admission and request, which would smear the first window at the provider.
    await Promise.all(
      replicas.map((replica) =>
        replica.calls({ request: { route: "warm", messages, maxTokens: 2 }, count: 3 }),
      ),
    );
    const started = Date.now();
    const summaries = await Promise.all(
      replicas.map((replica) =>
        replica.calls({
          request: { messages, maxTokens: 2 },
          concurrency: 8,
          durationMs: 2 * windowMs + 1000,
          abortAtEnd: true,
        }),
      ),
    );
    const times = fake.requests.get("limited") ?? [];
    // The limiter counts admissions exactly; the provider sees them after the trip from admission
    // to request, which varies by up to a few hundred ms on a loaded machine: that is the tolerance.
    expect(busiestSpan(times, windowMs - 300)).toBeLessThanOrEqual(60);
    expect(times.filter((time) => time < started + windowMs)).toHaveLength(60);
    expect(times.length).toBeGreaterThanOrEqual(120);
    expect(times.length).toBeLessThanOrEqual(180);
    // Calls still queued when the run ended were aborted; none was answered without reaching the provider.
    expect(sum(summaries, (summary) => summary.succeeded)).toBeLessThanOrEqual(times.length);
  });

  it("never spend more than a shared $1 daily budget, and the ledger equals the sum of billed attempts", async () => {
    const keyPrefix = `replicas${prefix}`;
    const route = "metered";
    await startReplicas(4, {
      policy: policy({
        targets: { cheap: {} },
        routes: { [route]: { targets: ["cheap"], budget: { dailyUsd: 1 } } },
        state: { store: "redis", url: "${REDIS_URL}", keyPrefix },
      }),
      env: { REDIS_URL: redis.url },
    });
    const summaries = await Promise.all(
      replicas.map((replica) =>
        replica.calls({ request: { route, messages, maxTokens: 2 }, count: 100, concurrency: 8 }),
      ),
    );
    const billed = fake.billed.get("cheap") ?? 0;
    const ledger = await ledgerUsd(keyPrefix, `route:${route}`);
    expect(ledger).toBeLessThanOrEqual(1);
    expect(ledger).toBeCloseTo(billed * answerUsd, 9);
    expect(sum(summaries, (summary) => summary.costUsd)).toBeCloseTo(ledger, 9);
    // The budget was used up, not refused early: what is left is at most the holds of the calls
    // in flight when the last ones were refused (4 replicas × 8 concurrent calls).
    expect(ledger).toBeGreaterThan(1 - 4 * 8 * holdUsd);
    expect(fake.count("cheap")).toBe(billed);
    const refused = sum(summaries, (summary) => summary.errors.BudgetExceededError ?? 0);
    const filtered = sum(summaries, (summary) => summary.errors.NoEligibleTargetError ?? 0);
    expect(refused + filtered + billed).toBe(400);
  });

  it("stop sending to a target within one round trip once one of them opened its breaker", async () => {
    const keyPrefix = `replicas${prefix}`;
    fake.setMode("flaky", "quota");
    const [seer, ...others] = await startReplicas(4, {
      policy: policy({
        targets: { flaky: {}, steady: {} },
        routes: { default: { targets: ["flaky", "steady"] } },
        state: { store: "redis", url: "${REDIS_URL}", keyPrefix },
      }),
      env: { REDIS_URL: redis.url },
    });
    const first = await seer!.calls({ request: { messages, maxTokens: 2 }, count: 1 });
    expect(first.targets).toEqual({ steady: 1 });
    expect(fake.count("flaky")).toBe(1);
    const rest = await Promise.all(
      others.map((replica) => replica.calls({ request: { messages, maxTokens: 2 }, count: 5 })),
    );
    expect(fake.count("flaky")).toBe(1);
    expect(rest.map((summary) => summary.targets)).toEqual([{ steady: 5 }, { steady: 5 }, { steady: 5 }]);
  });

  it("eject a target for all of them after five consecutive failures seen by one", async () => {
    const keyPrefix = `replicas${prefix}`;
    fake.setMode("broken", "fail");
    const [seer, ...others] = await startReplicas(4, {
      policy: policy({
        targets: { broken: { maxAttempts: 1 }, backup: {} },
        routes: { default: { targets: ["broken", "backup"] } },
        state: { store: "redis", url: "${REDIS_URL}", keyPrefix },
      }),
      env: { REDIS_URL: redis.url },
    });
    const seen = await seer!.calls({ request: { messages, maxTokens: 2 }, count: 5 });
    expect(seen.targets).toEqual({ backup: 5 });
    expect(fake.count("broken")).toBe(5);
    await Promise.all(
      others.map((replica) => replica.calls({ request: { messages, maxTokens: 2 }, count: 3 })),
    );
    expect(fake.count("broken")).toBe(5);
  });
});

describe.skipIf(!hasRedisServer)(
  "four router processes while Redis is killed and restarted",
  { timeout: 60_000 },
  () => {
    async function outageRun(onUnavailable: "fail-open" | "fail-closed") {
      const keyPrefix = `outage${prefix}`;
      const route = `run${prefix}`;
      const model = `model${prefix}`;
      await startReplicas(4, {
        policy: policy({
          targets: { [model]: {} },
          routes: { [route]: { targets: [model], budget: { dailyUsd: 100 } } },
          state: { store: "redis", url: "${REDIS_URL}", keyPrefix, onUnavailable },
        }),
        env: { REDIS_URL: redis.url },
      });
      const running = Promise.all(
        replicas.map((replica) =>
          replica.calls({ request: { route, messages, maxTokens: 2 }, concurrency: 4, durationMs: 7000 }),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 2000));
      await redis.kill();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await redis.start();
      const restartedAt = Date.now();
      const summaries = await running;
      const events = await Promise.all(replicas.map((replica) => eventsOnceRestored(replica)));
      const billed = fake.billed.get(model) ?? 0;
      const afterRestart = (fake.requests.get(model) ?? []).filter((time) => time > restartedAt).length;
      return {
        summaries,
        events,
        billed,
        afterRestart,
        ledger: await ledgerUsd(keyPrefix, `route:${route}`),
      };
    }

    it("fail open: calls keep succeeding on local state, and every billed attempt is in the ledger once Redis is back", async () => {
      const run = await outageRun("fail-open");
      expect(run.summaries.map((summary) => summary.errors)).toEqual([{}, {}, {}, {}]);
      expect(sum(run.summaries, (summary) => summary.succeeded)).toBe(run.billed);
      expect(run.afterRestart).toBeGreaterThan(0);
      for (const events of run.events) {
        expect(events.map((event) => event.status)).toEqual(["unavailable", "restored"]);
        expect(events[0]?.message).toContain("serving this process's own state");
      }
      expect(run.ledger).toBeCloseTo(run.billed * answerUsd, 9);
    });

    it("fail closed: calls during the outage fail with StateUnavailableError, none crash, and the ledger stays exact", async () => {
      const run = await outageRun("fail-closed");
      const refused = sum(run.summaries, (summary) => summary.errors.StateUnavailableError ?? 0);
      expect(refused).toBeGreaterThan(0);
      const others = run.summaries.flatMap((summary) =>
        Object.keys(summary.errors).filter((name) => name !== "StateUnavailableError"),
      );
      expect(others).toEqual([]);
      expect(sum(run.summaries, (summary) => summary.succeeded)).toBe(run.billed);
      // Redis came back and calls were served again before the run ended.
      expect(run.afterRestart).toBeGreaterThan(0);
      for (const events of run.events)
        expect(events.map((event) => event.status)).toEqual(["unavailable", "restored"]);
      expect(run.ledger).toBeCloseTo(run.billed * answerUsd, 9);
    });
  },
);
