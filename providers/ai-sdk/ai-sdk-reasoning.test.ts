import { createMistral } from "@ai-sdk/mistral";
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import type { CallOptions } from "../../src/core/index.js";
import { collectStream, conformanceFixture as fixture } from "../../test/conformance/index.js";
import { useMswServer } from "../../test/support/msw-server.js";
import { sseData, sseDone } from "../../test/support/sse-frames.js";
import { sseResponse } from "../../test/support/sse-response.js";
import { createTestProviderContext } from "../../test/support/test-provider-context.js";
import { createAiSdkProvider } from "./ai-sdk-provider.js";
import type { AiSdkProviderFactory } from "./ai-sdk-types.js";
import { toUsage } from "./map-ai-sdk-result.js";
import { mistralBaseURL } from "./test/mistral-wire.js";

/** Magistral's wire answer: `thinking` content parts (text chunks inside) before the text. */
const model = "magistral-small-latest";
const ids = { completion: "b1f9e0c2a34d4e7f8a6b5c4d3e2f1a0b", created: 1750262400 };
const usage = {
  prompt_tokens: 12,
  total_tokens: 52,
  completion_tokens: 40,
  completion_tokens_details: { reasoning_tokens: 31 },
};
const thinking = (text: string) => ({ type: "thinking", thinking: [{ type: "text", text }] });
const chunk = (delta: Record<string, unknown>, finishReason: string | null = null, withUsage = false) => ({
  id: ids.completion,
  object: "chat.completion.chunk",
  created: ids.created,
  model,
  choices: [{ index: 0, delta, finish_reason: finishReason }],
  ...(withUsage ? { usage } : {}),
});

const server = useMswServer();

function languageModel() {
  const provider = createAiSdkProvider(
    "mistral",
    "ai-sdk",
    { type: "ai-sdk", options: { apiKey: fixture.canaryKey }, baseURL: mistralBaseURL } as never,
    createMistral as AiSdkProviderFactory,
    createTestProviderContext(),
  );
  return provider.languageModel(model);
}

function callOptions(): CallOptions {
  return { messages: [{ role: "user", content: "Hi" }], maxTokens: 64, signal: new AbortController().signal };
}

describe("type: ai-sdk reasoning", () => {
  it("streams an AI SDK model's reasoning-delta parts as reasoning, before the text", async () => {
    server.use(
      http.post(`${mistralBaseURL}/chat/completions`, () =>
        sseResponse([
          sseData(chunk({ role: "assistant", content: [thinking("The user ")] })),
          sseData(chunk({ content: [thinking("greets me.")] })),
          sseData(chunk({ content: "Hello!" })),
          sseData(chunk({ content: "" }, "stop", true)),
          sseDone,
        ]),
      ),
    );
    const { parts, error } = await collectStream(() => languageModel().doStream(callOptions()));
    expect(error).toBeUndefined();
    expect(parts).toEqual([
      { type: "reasoning-delta", text: "The user " },
      { type: "reasoning-delta", text: "greets me." },
      { type: "text-delta", text: "Hello!" },
      {
        type: "finish",
        finishReason: "stop",
        // @ai-sdk/mistral 3 leaves `outputTokens.reasoning` unset, whatever the wire says.
        usage: { inputTokens: 12, outputTokens: 40 },
        requestId: ids.completion,
      },
    ]);
  });

  it("returns an AI SDK model's reasoning content as the result's reasoning", async () => {
    server.use(
      http.post(`${mistralBaseURL}/chat/completions`, () =>
        HttpResponse.json({
          id: ids.completion,
          object: "chat.completion",
          created: ids.created,
          model,
          choices: [
            {
              index: 0,
              message: {
                role: "assistant",
                content: [thinking("The user greets me."), { type: "text", text: "Hello!" }],
                tool_calls: null,
                prefix: false,
              },
              finish_reason: "stop",
            },
          ],
          usage,
        }),
      ),
    );
    const result = await languageModel().doGenerate(callOptions());
    expect(result).toMatchObject({ text: "Hello!", reasoning: "The user greets me." });
  });

  it("takes reasoning tokens from an AI SDK usage that reports them, and none from one that does not", () => {
    const reported = {
      inputTokens: { total: 12, noCache: 12, cacheRead: undefined, cacheWrite: undefined },
      outputTokens: { total: 40, text: 9, reasoning: 31 },
    };
    expect(toUsage(reported)).toEqual({ inputTokens: 12, outputTokens: 40, reasoningTokens: 31 });
    const unreported = { ...reported, outputTokens: { total: 40, text: undefined, reasoning: undefined } };
    expect(toUsage(unreported)).toEqual({ inputTokens: 12, outputTokens: 40 });
  });
});
