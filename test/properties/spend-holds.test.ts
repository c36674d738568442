import fc from "fast-check";
import { describe, it } from "vitest";
import { InMemoryStateStore } from "../../index.js";
import { checkSpendHolds, spendHoldScenario } from "./support/spend-hold-contract.js";

describe("the StateStore money contract, in memory", () => {
  it("never lets concurrent holds take a key past its limit, and settles to exactly what was spent", async () => {
    await fc.assert(
      fc.asyncProperty(spendHoldScenario, (scenario) =>
        checkSpendHolds(scenario, [new InMemoryStateStore()]),
      ),
      { numRuns: 200 },
    );
  });
});
