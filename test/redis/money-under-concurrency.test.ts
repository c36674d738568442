import fc from "fast-check";
import { afterAll, beforeAll, describe, it } from "vitest";
import { RedisStateStore } from "../../src/state/redis/index.js";
import { checkMoneyScenario, moneyScenario } from "../properties/support/money-scenario.js";
import { useMswServer } from "../support/msw-server.js";
import { hasRedisServer, RedisServer, skipReason } from "./support/redis-server.js";

if (!hasRedisServer) console.warn(`test/redis/money-under-concurrency.test.ts skipped: ${skipReason}`);

useMswServer();

let server: RedisServer;
let prefix = 0;

beforeAll(async () => {
  if (hasRedisServer) server = await RedisServer.start();
});

afterAll(async () => {
  await server?.kill();
});

describe.skipIf(!hasRedisServer)("money under concurrency, on Redis", { timeout: 240_000 }, () => {
  it("never spends past any cap, whatever the concurrency, prices, retries, hedges and mid-stream faults", async () => {
    await fc.assert(
      fc.asyncProperty(moneyScenario, (scenario) => {
        // Each scenario starts from an empty ledger: its own key prefix.
        const keyPrefix = `money${prefix++}`;
        return checkMoneyScenario(scenario, {
          store: () => RedisStateStore.connect({ url: server.url, keyPrefix }),
          // Real timers: tries time out quickly so hangs and hedges resolve within the run.
          tryTimeoutMs: 200,
          precisionUsd: 0.5e-9,
          drive: async () => undefined,
        });
      }),
      { numRuns: 15 },
    );
  });
});
