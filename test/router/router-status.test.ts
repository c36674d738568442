import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { createRouter, RouterClosedError } from "../../index.js";
import { completion, wireUsage } from "../../providers/openai/fixtures/openai-wire.js";
import { useMswServer } from "../support/msw-server.js";

const server = useMswServer();
const primary = "https://primary.example.test/v1";
const secondary = "https://secondary.example.test/v1";

const policy = {
  providers: {
    primary: { type: "openai" as const, apiKey: "test-canary-not-a-real-key-status-1", baseURL: primary },
    secondary: { type: "openai" as const, apiKey: "test-canary-not-a-real-key-status-2", baseURL: secondary },
  },
  targets: {
    a: {
      provider: "primary",
      model: "gpt-4o-mini",
      price: { input: 0.15, output: 0.6 },
      maxAttempts: 1,
      limits: { rpm: 600, maxConcurrent: 4 },
    },
    b: { provider: "secondary", model: "gpt-4.1-mini", price: { input: 0.4, output: 1.6 } },
  },
  routes: {
    default: { strategy: "ordered" as const, targets: ["a", "b"], budget: { dailyUsd: 3 } },
    spare: { targets: ["b"], fallback: "default" },
  },
  health: { breaker: { minCalls: 1, failureRatio: 0.5 } },
};

describe("router.status", () => {
  it("lists the routes and targets of the policy, all closed and idle before any call", async () => {
    const router = await createRouter({ policy });
    const status = await router.status();
    expect(status.defaultRoute).toBe("default");
    expect(status.routes).toEqual([
      { name: "default", strategy: "ordered", targets: ["a", "b"], dailyUsd: 3 },
      { name: "spare", strategy: "ordered", targets: ["b"], fallback: "default" },
    ]);
    expect(status.targets).toEqual([
      {
        id: "a",
        provider: "primary",
        model: "gpt-4o-mini",
        health: { breaker: "closed", consecutiveFailures: 0, windowCalls: 0, windowFailures: 0 },
        limiter: { limits: { rpm: 600, maxConcurrent: 4 }, expectedWaitMs: 0 },
        inFlight: 0,
      },
      {
        id: "b",
        provider: "secondary",
        model: "gpt-4.1-mini",
        health: { breaker: "closed", consecutiveFailures: 0, windowCalls: 0, windowFailures: 0 },
        inFlight: 0,
      },
    ]);
    await router.close();
  });

  it("shows the breaker a failing target opened and the latency of the one that answered", async () => {
    server.use(
      http.post(`${primary}/chat/completions`, () =>
        HttpResponse.json(
          { error: { message: "boom", type: "server_error", param: null, code: null } },
          { status: 500 },
        ),
      ),
      http.post(`${secondary}/chat/completions`, () =>
        HttpResponse.json(
          completion(
            { message: { content: "hi" }, finish_reason: "stop" },
            wireUsage({ inputTokens: 5, outputTokens: 1 }),
          ),
        ),
      ),
    );
    const router = await createRouter({ policy });
    const result = await router.chat({ messages: [{ role: "user", content: "hello" }] });
    expect(result.route.target).toBe("b");
    const status = await router.status();
    const [a, b] = status.targets;
    expect(a?.health).toMatchObject({ breaker: "open", consecutiveFailures: 1 });
    expect(a?.health.openedAt).toBeGreaterThan(0);
    expect(a?.latency).toBeUndefined();
    expect(b?.health).toMatchObject({ breaker: "closed", consecutiveFailures: 0, windowCalls: 1 });
    expect(b?.latency?.samples).toBeCloseTo(1, 2);
    expect(status.at).toBeGreaterThan(0);
    await router.close();
  });

  it("refuses once the router is closed", async () => {
    const router = await createRouter({ policy });
    await router.close();
    await expect(router.status()).rejects.toBeInstanceOf(RouterClosedError);
  });
});
