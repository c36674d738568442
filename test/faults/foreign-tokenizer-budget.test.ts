import { HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { BudgetExceededError, NoEligibleTargetError } from "../../index.js";
import { completion, wireUsage } from "../../providers/openai/fixtures/openai-wire.js";
import { useMswServer } from "../support/msw-server.js";
import { startHarness, testPrice } from "./support/fault-harness.js";
import { openaiShape, type ProviderShape } from "./support/provider-shapes.js";
import type { Reply } from "./support/replies.js";
import { Upstream } from "./support/upstream.js";

useMswServer();

/** An OpenAI-compatible host (a llama.cpp or vLLM server) whose model's tokenizer is not o200k. */
const foreignHost: ProviderShape = {
  ...openaiShape,
  model: "meta-llama/Llama-3.1-8B-Instruct",
  baseURL: (id) => `http://${id}.vllm.test:8000/v1`,
  providerConfig: (baseURL, apiKey) => ({ type: "openai-compatible", host: "vllm", baseURL, apiKey }),
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
});
