import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisStateStore, type StateEvent, StateUnavailableError } from "../../src/state/redis/index.js";
import { expectUsageMatchesTraces } from "../observability/support/usage-scenario.js";
import { useMswServer } from "../support/msw-server.js";
import { hasRedisServer, RedisServer, skipReason } from "./support/redis-server.js";
import { waitUntil } from "./support/wait-until.js";

if (!hasRedisServer) console.warn(`test/redis/usage.test.ts skipped: ${skipReason}`);

useMswServer();

let server: RedisServer;
let prefix = 0;

beforeAll(async () => {
  if (hasRedisServer) server = await RedisServer.start();
});

afterAll(async () => {
  await server?.kill();
});

const connect = (keyPrefix: string, onEvent?: (event: StateEvent) => void) =>
  RedisStateStore.connect({
    url: server.url,
    keyPrefix,
    probeIntervalMs: 50,
    ...(onEvent ? { onEvent } : {}),
  });

describe.skipIf(!hasRedisServer)("router.usage() on Redis", { timeout: 30_000 }, () => {
  it("sums today's spend and tokens per route, tag, target and provider as the traces report them, for 100 concurrent calls", async () => {
    // The router closes the store.
    await expectUsageMatchesTraces(await connect(`usage${prefix++}`));
  });

  it("sums every replica's spend and tokens, exactly, and lists keys only this prefix wrote", async () => {
    const shared = `usage${prefix++}`;
    const replicas = await Promise.all([connect(shared), connect(shared), connect(shared)]);
    const other = await connect(`usage${prefix++}`);
    await other.addSpend(["route:elsewhere"], 1, { inputTokens: 1, outputTokens: 1 });
    await Promise.all(
      replicas.flatMap((replica) =>
        Array.from({ length: 100 }, () =>
          replica.addSpend(["route:default", "tag:a", "provider:p"], 0.001, {
            inputTokens: 3,
            outputTokens: 2,
          }),
        ),
      ),
    );
    // A free attempt records its tokens alone.
    await replicas[0]?.addSpend(["route:default", "provider:local"], 0, { inputTokens: 10, outputTokens: 0 });
    const today = await replicas[1]?.spendToday();
    expect(today?.day).toBe(new Date().toISOString().slice(0, 10));
    expect(today?.keys).toEqual(
      new Map([
        ["provider:local", { costUsd: 0, inputTokens: 10, outputTokens: 0 }],
        ["provider:p", { costUsd: 0.3, inputTokens: 900, outputTokens: 600 }],
        ["route:default", { costUsd: 0.3, inputTokens: 910, outputTokens: 600 }],
        ["tag:a", { costUsd: 0.3, inputTokens: 900, outputTokens: 600 }],
      ]),
    );
    await Promise.all([...replicas, other].map((store) => store.close()));
  });

  it("rejects with StateUnavailableError while Redis is down, and reports every token again once it is back", async () => {
    const outage = await RedisServer.start();
    const events: StateEvent[] = [];
    const store = await RedisStateStore.connect({
      url: outage.url,
      keyPrefix: "outage",
      probeIntervalMs: 50,
      onEvent: (event) => events.push(event),
    });
    await store.addSpend(["route:default"], 0.25, { inputTokens: 100, outputTokens: 40 });
    await outage.kill();
    await store.addSpend(["route:default"], 0.5, { inputTokens: 200, outputTokens: 80 });
    await expect(store.spendToday()).rejects.toSatisfy(StateUnavailableError.isInstance);
    await outage.start();
    await waitUntil(() => events.some((event) => event.status === "restored"));
    // Redis came back empty: the replica wrote its whole share, tokens included, again.
    expect((await store.spendToday()).keys.get("route:default")).toEqual({
      costUsd: 0.75,
      inputTokens: 300,
      outputTokens: 120,
    });
    await store.close();
    await outage.kill();
  });
});
