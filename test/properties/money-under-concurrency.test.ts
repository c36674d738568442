import fc from "fast-check";
import { describe, it, vi } from "vitest";
import { InMemoryStateStore } from "../../index.js";
import { useFakeClock } from "../faults/support/fault-harness.js";
import { useMswServer } from "../support/msw-server.js";
import { checkMoneyScenario, moneyScenario } from "./support/money-scenario.js";

useMswServer();
useFakeClock();

describe("money under concurrency, in memory", () => {
  it("never spends past any cap, whatever the concurrency, prices, retries, hedges and mid-stream faults", async () => {
    await fc.assert(
      fc.asyncProperty(moneyScenario, (scenario) =>
        checkMoneyScenario(scenario, {
          store: async () => new InMemoryStateStore(),
          tryTimeoutMs: 1000,
          drive: async (settled) => {
            for (let step = 0; step < 400 && !settled(); step++) await vi.advanceTimersByTimeAsync(250);
          },
        }),
      ),
      { numRuns: 40 },
    );
  }, 240_000);
});
