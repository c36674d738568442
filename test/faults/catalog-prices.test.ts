import { describe, expect, it } from "vitest";
import { useMswServer } from "../support/msw-server.js";
import { startHarness, testPrice } from "./support/fault-harness.js";
import { anthropicShape, openaiShape } from "./support/provider-shapes.js";
import { answer, fail } from "./support/replies.js";
import { Upstream } from "./support/upstream.js";

useMswServer();

const messages = [{ role: "user" as const, content: "What is the capital of France?" }];
const usage = { inputTokens: 1_000_000, outputTokens: 100_000 };

// The bundled catalog (@pydantic/genai-prices 0.1.8): gpt-4o-mini $0.15 / $0.60 and
// claude-sonnet-4-6 $3 / $15 per million tokens. Its worker reads files only: msw refuses any request.
describe("targets priced by the model catalog", { timeout: 30_000 }, () => {
  it("bills a routed call at the catalog's price when the policy gives none", async () => {
    const mini = new Upstream("mini", openaiShape).replies(answer("Paris.", usage));
    const { router } = await startHarness({ targets: { mini: { upstream: mini, price: undefined } } });
    const result = await router.chat({ messages });
    expect(result.costUsd).toBeCloseTo(0.15 + 0.06, 10);
    expect(result.route.attempts[0]?.costUsd).toBeCloseTo(0.21, 10);
    await router.close();
  });

  it("ranks targets by their catalog prices and bills the fallback target at its own", async () => {
    const sonnet = new Upstream("sonnet", anthropicShape).replies(answer("Paris.", usage));
    const mini = new Upstream("mini", openaiShape).replies(fail("server"), fail("server"), fail("server"));
    const { router } = await startHarness({
      targets: {
        mini: { upstream: mini, price: undefined, maxAttempts: 3 },
        sonnet: { upstream: sonnet, price: undefined },
      },
      routes: { default: { targets: ["mini", "sonnet"], strategy: "cheapest" } },
    });
    const plan = await router.explain({ messages, maxTokens: 1000 });
    expect(plan.ranked.map((candidate) => [candidate.target.id, candidate.target.priceSource])).toEqual([
      ["mini", "catalog"],
      ["sonnet", "catalog"],
    ]);
    const [cheap, dear] = plan.ranked;
    expect(cheap?.target.price).toMatchObject({ input: 0.15, output: 0.6 });
    expect(dear?.target.price).toMatchObject({ input: 3, output: 15 });
    expect(dear?.estimatedCostUsd).toBeGreaterThan(cheap?.estimatedCostUsd ?? Number.POSITIVE_INFINITY);

    const result = await router.chat({ messages });
    expect(result.route.target).toBe("sonnet");
    expect(result.costUsd).toBeCloseTo(3 + 1.5, 10);
    await router.close();
  });

  it("keeps the policy's price over the catalog's", async () => {
    const mini = new Upstream("mini", openaiShape).replies(answer("Paris.", usage));
    const { router } = await startHarness({ targets: { mini } });
    const result = await router.chat({ messages });
    expect(result.costUsd).toBeCloseTo(testPrice.input + testPrice.output * 0.1, 10);
    const plan = await router.explain({ messages });
    expect(plan.ranked[0]?.target.priceSource).toBe("policy");
    await router.close();
  });

  it("narrows the adapter's context window to the catalog's and lets the policy override both", async () => {
    // The adapter's table gives every o-series model 200k tokens; the catalog has o1-mini at 128k.
    const o1 = { ...openaiShape, model: "o1-mini" };
    const narrowed = new Upstream("narrowed", o1).replies(answer());
    const declared = new Upstream("declared", o1).replies(answer());
    const { router } = await startHarness({
      targets: { narrowed, declared: { upstream: declared, contextWindow: 150_000 } },
    });
    const plan = await router.explain({ messages });
    const windows = Object.fromEntries(
      plan.ranked.map((candidate) => [candidate.target.id, candidate.target.capabilities.contextWindow]),
    );
    expect(windows).toEqual({ narrowed: 128_000, declared: 150_000 });
    await router.close();
  });
});
