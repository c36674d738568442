import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { createRouter } from "../../index.js";
import {
  completion,
  finishChunk,
  roleChunk,
  textChunk,
  usageChunk,
  wireUsage,
} from "../../providers/openai/fixtures/openai-wire.js";
import { useMswServer } from "../support/msw-server.js";
import { sseData, sseRaw } from "../support/sse-frames.js";
import { sseResponse } from "../support/sse-response.js";

const server = useMswServer();
const primary = "https://primary.example.test/v1";
const secondary = "https://secondary.example.test/v1";

const policy = {
  providers: {
    primary: { type: "openai" as const, apiKey: "sk-primary-canary-0001", baseURL: primary },
    secondary: { type: "openai" as const, apiKey: "sk-secondary-canary-0002", baseURL: secondary },
  },
  targets: {
    a: { provider: "primary", model: "gpt-4o-mini", price: { input: 0.15, output: 0.6 } },
    b: { provider: "secondary", model: "gpt-4o-mini", price: { input: 0.15, output: 0.6 } },
  },
  routes: { default: { targets: ["a", "b"] } },
};

const answer = (text: string) =>
  HttpResponse.json(
    completion(
      { message: { content: text }, finish_reason: "stop" },
      wireUsage({ inputTokens: 9, outputTokens: 2 }),
    ),
  );

describe("router basics", () => {
  it("answers from the first target and explains its choice", async () => {
    server.use(http.post(`${primary}/chat/completions`, () => answer("hello")));
    const router = await createRouter({ policy });
    const result = await router.chat({ messages: [{ role: "user", content: "hi" }] });
    expect(result.text).toBe("hello");
    expect(result.route.target).toBe("a");
    expect(result.route.attempts).toHaveLength(1);
    expect(result.costUsd).toBeCloseTo((9 * 0.15 + 2 * 0.6) / 1e6, 12);
    await router.close();
  });

  it("fails over to the next target when the primary keeps returning 500", async () => {
    let primaryCalls = 0;
    server.use(
      http.post(`${primary}/chat/completions`, () => {
        primaryCalls++;
        return HttpResponse.json(
          { error: { message: "boom", type: "server_error", param: null, code: null } },
          { status: 500 },
        );
      }),
      http.post(`${secondary}/chat/completions`, () => answer("from b")),
    );
    const router = await createRouter({ policy, random: () => 0 });
    const result = await router.chat({ messages: [{ role: "user", content: "hi" }], timeoutMs: 20_000 });
    expect(result.text).toBe("from b");
    expect(primaryCalls).toBe(3);
    expect(result.route.attempts.map((attempt) => attempt.outcome)).toEqual([
      "error",
      "error",
      "error",
      "success",
    ]);
    await router.close();
  }, 20_000);

  it("streams text parts and ends with a finish part carrying the result", async () => {
    server.use(
      http.post(`${primary}/chat/completions`, () =>
        sseResponse([
          sseData(roleChunk),
          sseData(textChunk("Hel")),
          sseData(textChunk("lo")),
          sseData(finishChunk("stop")),
          sseData(usageChunk({ inputTokens: 9, outputTokens: 2 })),
          sseRaw("[DONE]"),
        ]),
      ),
    );
    const router = await createRouter({ policy });
    const parts = [];
    for await (const part of router.stream({ messages: [{ role: "user", content: "hi" }] })) parts.push(part);
    expect(parts.map((part) => part.type)).toEqual(["text-delta", "text-delta", "finish"]);
    const last = parts.at(-1);
    expect(last?.type === "finish" && last.result.text).toBe("Hello");
    await router.close();
  });
});
