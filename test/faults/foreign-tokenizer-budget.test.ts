import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  BudgetExceededError,
  createRouter,
  type GenerateResult,
  type Message,
  NoEligibleTargetError,
  type PromptCountRequest,
  type ProviderFactory,
} from "../../index.js";
import { completion, wireUsage } from "../../providers/openai/fixtures/openai-wire.js";
import { mswServer, useMswServer } from "../support/msw-server.js";
import { startHarness, testPrice } from "./support/fault-harness.js";
import { llamaServerTokenizer, renderChatML } from "./support/llama-server-tokenizer.js";
import { openaiShape, type ProviderShape } from "./support/provider-shapes.js";
import type { Reply } from "./support/replies.js";
import { Upstream } from "./support/upstream.js";

useMswServer();

/** An OpenAI-compatible host whose model's tokenizer is not o200k and that offers no way to count. */
const foreignHost: ProviderShape = {
  ...openaiShape,
  model: "meta-llama/Llama-3.1-8B-Instruct",
  baseURL: (id) => `http://${id}.inference.test:8000/v1`,
  providerConfig: (baseURL, apiKey) => ({ type: "openai-compatible", host: "generic", baseURL, apiKey }),
};

/** A llama.cpp server: the same kind of model, with `/apply-template` and `/tokenize`. */
const llamaServer: ProviderShape = {
  ...foreignHost,
  baseURL: (id) => `http://${id}.llama.test:8080/v1`,
  providerConfig: (baseURL, apiKey) => ({ type: "openai-compatible", host: "llamacpp", baseURL, apiKey }),
};

const utf8 = (text: string) => Buffer.byteLength(text, "utf8");

/**
 * Bills the prompt by a tokenizer far denser than o200k on these texts: one token per two UTF-8
 * bytes of every role and content, plus a chat template's 5 tokens a message and 25 of its own.
 */
const billsByHalfBytes: Reply = (call) => {
  const messages = call.body.messages as Array<{ role: string; content: string }>;
  const promptTokens =
    25 +
    messages.reduce((sum, { role, content }) => sum + 5 + Math.ceil((utf8(role) + utf8(content)) / 2), 0);
  const maxTokens = Number(call.body.max_tokens ?? call.body.max_completion_tokens ?? 16);
  return HttpResponse.json(
    completion(
      { message: { content: "ok" }, finish_reason: "length" },
      wireUsage({ inputTokens: promptTokens, outputTokens: maxTokens }),
    ) as Record<string, unknown>,
  );
};

/** Prompts of many sizes and scripts: prose, code, CJK, emoji, digits. */
function prompts(): string[] {
  const pieces = [
    "The quick brown fox jumps over the lazy dog. ",
    "function add(a, b) { return a + b; }\n",
    "東京都の天気は晴れです。",
    "🙂🚀✨ ",
    "3.14159265358979 ",
  ];
  const out: string[] = [];
  for (let size = 1; size <= 60; size += 1) {
    const piece = pieces[size % pieces.length] ?? "";
    out.push(piece.repeat(size));
  }
  return out;
}

/** The llama.cpp server's tokenizer: one token per two UTF-8 bytes of the rendered prompt. */
const halfBytes = (prompt: string) => Math.ceil(utf8(prompt) / 2);

/** Bills what its own `/tokenize` counts for the rendered prompt, as llama-server does. */
const billsWhatItTokenizes: Reply = (call) => {
  const messages = call.body.messages as Array<{ role: string; content: string }>;
  const maxTokens = Number(call.body.max_tokens ?? 16);
  return HttpResponse.json(
    completion(
      { message: { content: "ok" }, finish_reason: "length" },
      wireUsage({ inputTokens: halfBytes(renderChatML(messages)), outputTokens: maxTokens }),
    ) as Record<string, unknown>,
  );
};

describe("cost estimates against a host that bills by another tokenizer", () => {
  it("never lets a call cost more than maxCostUsd over many calls", async () => {
    const host = new Upstream("host", foreignHost).replies(billsByHalfBytes);
    const { router } = await startHarness({ targets: { host: { upstream: host, contextWindow: 131_072 } } });
    const maxTokens = 16;
    // Room for ~900 prompt tokens: small prompts go through, larger ones straddle the cap.
    const maxCostUsd = (900 * testPrice.input + maxTokens * testPrice.output) / 1e6;
    let sent = 0;
    let refused = 0;
    for (const content of prompts()) {
      const before = host.count;
      const outcome = await router
        .chat({ messages: [{ role: "user", content }], maxTokens, budget: { maxCostUsd } })
        .then(
          (result) => ({ result }),
          (error: unknown) => ({ error }),
        );
      if ("result" in outcome) {
        sent += 1;
        expect(outcome.result.costUsd).toBeLessThanOrEqual(maxCostUsd);
      } else {
        refused += 1;
        expect(
          NoEligibleTargetError.isInstance(outcome.error) || BudgetExceededError.isInstance(outcome.error),
        ).toBe(true);
        expect(host.count).toBe(before);
      }
    }
    expect(sent).toBeGreaterThan(5);
    expect(refused).toBeGreaterThan(5);
    await router.close();
  });

  it("estimates an OpenAI model with its own encoding, and a host of unknown tokenizer by UTF-8 bytes", async () => {
    const openai = new Upstream("openai", openaiShape);
    const host = new Upstream("host", foreignHost);
    const { router } = await startHarness({ targets: { openai, host } });
    const content = "東京都の天気は晴れです。".repeat(20);
    const plan = await router.explain({ messages: [{ role: "user", content }], maxTokens: 1 });
    const cost = (id: string) =>
      plan.ranked.find((candidate) => candidate.target.id === id)?.estimatedCostUsd ?? 0;
    const tokensOf = (usd: number) => Math.round(usd * 1e6 - testPrice.output);
    expect(tokensOf(cost("openai"))).toBe(plan.estimate.promptTokens);
    expect(tokensOf(cost("host"))).toBeGreaterThanOrEqual(utf8(content));
    await router.close();
  });
  it("counts a llama.cpp server's prompts with its tokenize endpoint: sent exactly when the real cost fits", async () => {
    const host = new Upstream("host", llamaServer).replies(billsWhatItTokenizes);
    const { router } = await startHarness({ targets: { host: { upstream: host, contextWindow: 131_072 } } });
    mswServer.use(...llamaServerTokenizer(host, halfBytes));
    const maxTokens = 16;
    const maxCostUsd = (900 * testPrice.input + maxTokens * testPrice.output) / 1e6;
    let sent = 0;
    let refused = 0;
    for (const content of prompts()) {
      const realTokens = halfBytes(renderChatML([{ role: "user", content }]));
      const fits = (realTokens * testPrice.input + maxTokens * testPrice.output) / 1e6 <= maxCostUsd;
      const before = host.count;
      const outcome = await router
        .chat({ messages: [{ role: "user", content }], maxTokens, budget: { maxCostUsd } })
        .then(
          (result) => ({ result }),
          (error: unknown) => ({ error }),
        );
      if ("result" in outcome) {
        sent += 1;
        expect(outcome.result.usage.inputTokens).toBe(realTokens);
        expect(outcome.result.costUsd).toBeLessThanOrEqual(maxCostUsd);
      } else {
        refused += 1;
        expect(
          BudgetExceededError.isInstance(outcome.error) || NoEligibleTargetError.isInstance(outcome.error),
        ).toBe(true);
        expect(host.count).toBe(before);
      }
      expect("result" in outcome).toBe(fits);
    }
    expect(sent).toBeGreaterThan(5);
    expect(refused).toBeGreaterThan(5);
    await router.close();
  });

  it("falls back to the UTF-8 bound when the server's tokenize endpoint fails, and still keeps the cap", async () => {
    const host = new Upstream("host", llamaServer).replies(billsWhatItTokenizes);
    const { router } = await startHarness({ targets: { host: { upstream: host, contextWindow: 131_072 } } });
    const root = host.baseURL.replace(/\/v1$/, "");
    mswServer.use(
      http.post(`${root}/apply-template`, () =>
        HttpResponse.json(
          { error: { code: 500, message: "internal error", type: "server_error" } },
          { status: 500 },
        ),
      ),
    );
    const content = "The quick brown fox jumps over the lazy dog. ".repeat(30);
    const realTokens = halfBytes(renderChatML([{ role: "user", content }]));
    // 5 % above the real cost: the bound (one token per byte) is about twice it.
    const maxCostUsd = ((realTokens * testPrice.input + testPrice.output) / 1e6) * 1.05;
    const error = await router
      .chat({ messages: [{ role: "user", content }], maxTokens: 1, budget: { maxCostUsd } })
      .catch((caught: unknown) => caught);
    expect(NoEligibleTargetError.isInstance(error) || BudgetExceededError.isInstance(error)).toBe(true);
    expect(host.count).toBe(0);
    await router.close();
  });
});

/** A provider of the user's whose model bills twice what o200k counts, plus its own framing. */
function doubleTokenFactory(options: {
  counts: "right" | "fails" | "never";
  asked?: string[];
}): ProviderFactory {
  const schema = z.object({ type: z.literal("double") }).strict();
  const billed = (messages: readonly Message[]) =>
    10 + messages.reduce((sum, message) => sum + 2 * countTokens(`${message.role} ${message.content}`), 0);
  return {
    type: "double",
    configSchema: schema,
    capabilities: { streaming: false },
    create: (id) => ({
      id,
      type: "double",
      local: false,
      languageModel: (model) => ({
        provider: id,
        model,
        capabilities: { contextWindow: 100_000 },
        async doGenerate(callOptions): Promise<GenerateResult> {
          calls.push(model);
          return {
            text: "ok",
            toolCalls: [],
            finishReason: "length",
            usage: { inputTokens: billed(callOptions.messages), outputTokens: callOptions.maxTokens },
            warnings: [],
          };
        },
        doStream: () => Promise.reject(new Error("no streams")),
        ...(options.counts === "never"
          ? {}
          : {
              countPromptTokens: async (request: PromptCountRequest) => {
                options.asked?.push(model);
                if (options.counts === "fails") throw new Error("tokenizer service down");
                return billed(request.messages);
              },
            }),
      }),
    }),
  };
}

const calls: string[] = [];

describe("cost estimates of a registered provider that counts its own prompt", () => {
  const content = "Summarize the quarterly report in three bullet points, with numbers. ".repeat(12);
  const messages: Message[] = [{ role: "user", content }];
  const realTokens = 10 + 2 * countTokens(`user ${content}`);
  const realCostUsd = (realTokens * testPrice.input + 4 * testPrice.output) / 1e6;

  async function routerWith(counts: "right" | "fails" | "never") {
    calls.length = 0;
    return createRouter({
      policy: {
        providers: { double: { type: "double" } },
        targets: { twice: { provider: "double", model: "twice-o200k", price: testPrice } },
        routes: { default: { targets: ["twice"] } },
      },
      providers: [doubleTokenFactory({ counts })],
    });
  }

  it("sends a call whose cap is just above the model's own count, and it costs no more than the cap", async () => {
    const router = await routerWith("right");
    const maxCostUsd = realCostUsd * 1.001;
    const result = await router.chat({ messages, maxTokens: 4, budget: { maxCostUsd } });
    expect(result.usage.inputTokens).toBe(realTokens);
    expect(result.costUsd).toBeLessThanOrEqual(maxCostUsd);
    // o200k alone would have counted half: the estimate came from the model's count.
    expect(realTokens).toBeGreaterThan(1.9 * countTokens(content));
    await router.close();
  });

  it("refuses a call whose cap is just below the model's own count, calling nothing", async () => {
    const router = await routerWith("right");
    const error = await router
      .chat({ messages, maxTokens: 4, budget: { maxCostUsd: realCostUsd * 0.999 } })
      .catch((caught: unknown) => caught);
    expect(NoEligibleTargetError.isInstance(error) || BudgetExceededError.isInstance(error)).toBe(true);
    expect(calls).toEqual([]);
    await router.close();
  });

  it.each(["fails", "never"] as const)(
    "refuses rather than risks the cap when the model's count %s (the UTF-8 bound decides)",
    async (counts) => {
      const router = await routerWith(counts);
      const error = await router
        .chat({ messages, maxTokens: 4, budget: { maxCostUsd: realCostUsd * 1.05 } })
        .catch((caught: unknown) => caught);
      expect(NoEligibleTargetError.isInstance(error) || BudgetExceededError.isInstance(error)).toBe(true);
      expect(calls).toEqual([]);
      await router.close();
    },
  );

  it("does not ask an unpriced target's model to count: its cost is zero either way", async () => {
    const asked: string[] = [];
    const router = await createRouter({
      policy: {
        providers: { double: { type: "double" } },
        targets: {
          free: { provider: "double", model: "free", price: { input: 0, output: 0 } },
          paid: { provider: "double", model: "paid", price: testPrice },
        },
        routes: { default: { targets: ["free", "paid"] } },
      },
      providers: [doubleTokenFactory({ counts: "right", asked })],
    });
    await router.explain({ messages, maxTokens: 4 });
    expect(asked).toEqual(["paid"]);
    await router.close();
  });
});
