import fc from "fast-check";
import { afterAll, beforeAll, describe, it } from "vitest";
import { RedisStateStore } from "../../src/state/redis/index.js";
import { checkSpendHolds, spendHoldScenario } from "../properties/support/spend-hold-contract.js";
import { hasRedisServer, RedisServer, skipReason } from "./support/redis-server.js";

if (!hasRedisServer) console.warn(`test/redis/spend-holds.test.ts skipped: ${skipReason}`);

let server: RedisServer;
let prefix = 0;

beforeAll(async () => {
  if (hasRedisServer) server = await RedisServer.start();
});

afterAll(async () => {
  await server?.kill();
});

describe.skipIf(!hasRedisServer)("the StateStore money contract, on Redis", { timeout: 120_000 }, () => {
  it("never lets concurrent holds of three replicas take a key past its limit, and settles to what was spent", async () => {
    await fc.assert(
      fc.asyncProperty(spendHoldScenario, async (scenario) => {
        const keyPrefix = `holds${prefix++}`;
        const replicas = await Promise.all(
          [0, 1, 2].map(() => RedisStateStore.connect({ url: server.url, keyPrefix })),
        );
        try {
          // Integer nano-dollars: each recorded cost is rounded to the nearest.
          await checkSpendHolds(scenario, replicas, 0.5e-9);
        } finally {
          await Promise.all(replicas.map((replica) => replica.close()));
        }
      }),
      { numRuns: 40 },
    );
  });
});
