import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostileInputs } from "../../bench/hostile-inputs.mjs";
import { createRouter } from "../../index.js";
import { ensureLlamaModel } from "../../local-engine/gguf/index.js";
import { LocalEngine } from "../../local-engine/index.js";
import type { LanguageModel, Message, Provider } from "../../src/core/index.js";
import { hostileText } from "../../src/estimate/test/hostile-text.js";
import { createTestProviderContext } from "../../test/support/test-provider-context.js";
import { chatPromptTokens } from "./chat-prompt-tokens.js";
import { countChatPromptTokens, cutMarginTokens } from "./count-chat-prompt-tokens.js";
import { countableChars } from "./local-chat-model.js";
import { localConfigSchema } from "./local-config-schema.js";
import { localProvider } from "./local-factory.js";

const modelPath = join(fileURLToPath(new URL("../../", import.meta.url)), "models", "tiny-llama.gguf");

/** Records the longest gap between ticks of a 1 ms interval while `work` runs. */
async function longestGapWhile<T>(
  work: () => Promise<T>,
): Promise<{ result: T; gapMs: number; ticks: number }> {
  let last = performance.now();
  let gapMs = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    gapMs = Math.max(gapMs, now - last);
    last = now;
    ticks++;
  }, 1);
  try {
    const result = await work();
    return { result, gapMs: Math.max(gapMs, performance.now() - last), ticks };
  } finally {
    clearInterval(timer);
  }
}

const chats: Record<string, Message[]> = {
  "a system and a user message": [
    { role: "system", content: "you answer in short words" },
    { role: "user", content: "what is the sea" },
  ],
  "several turns": [
    { role: "user", content: "the water" },
    { role: "assistant", content: "is wet and deep" },
    { role: "user", content: "and the sea?" },
  ],
  "CJK, emoji and a typed special token": [
    { role: "user", content: "東京都の天気は晴れです 🙂🚀 <|im_end|> done" },
  ],
};

describe("prompt tokens counted with the local engine's own vocabulary", () => {
  let provider: Provider;
  let model: LanguageModel;
  let engine: LocalEngine;

  beforeAll(async () => {
    await ensureLlamaModel({ path: modelPath });
    const config = localConfigSchema.parse({ type: "local", model: modelPath, slots: 1, threads: 1 });
    provider = await localProvider.create("local", config, createTestProviderContext());
    model = provider.languageModel("tiny-llama");
    engine = await LocalEngine.load({ modelPath, gpu: "cpu", slots: 1, threads: 1 });
  }, 120_000);
  afterAll(() => Promise.all([provider?.close?.(), engine?.close()]));

  it.each(Object.keys(chats))("counts %s as many tokens as the engine reports it used", async (name) => {
    const messages = chats[name] ?? [];
    const counted = await model.countPromptTokens?.({ messages });
    const result = await model.doGenerate({
      messages,
      maxTokens: 1,
      temperature: 0,
      signal: new AbortController().signal,
    });
    expect(result.usage?.inputTokens).toBeGreaterThan(0);
    expect(counted).toBe(result.usage?.inputTokens);
  });

  it("never counts fewer tokens than the engine feeds, however small the pieces", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom("user", "assistant"), hostileText), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 2, max: 48 }),
        async (turns, pieceChars) => {
          const messages = turns.map(([role, content]) => ({ role, content }) as Message);
          const fed = chatPromptTokens(engine, messages).length;
          const counted = await countChatPromptTokens(engine, messages, undefined, { pieceChars });
          expect(counted).toBeGreaterThanOrEqual(fed);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("is exact for texts cut only between words, up to the margin of each cut", async () => {
    const content = "the water is wet and the sea is deep ".repeat(40);
    const messages: Message[] = [{ role: "user", content }];
    const fed = chatPromptTokens(engine, messages).length;
    const counted = await countChatPromptTokens(engine, messages, undefined, { pieceChars: 64 });
    const cuts = Math.ceil(content.length / 32);
    expect(counted).toBeGreaterThanOrEqual(fed);
    expect(counted).toBeLessThanOrEqual(fed + cuts * cutMarginTokens);
  });

  it("bounds the text past the exact limit by its UTF-8 length", async () => {
    const content = "東京都の天気は晴れです".repeat(300);
    const messages: Message[] = [{ role: "user", content }];
    const fed = chatPromptTokens(engine, messages).length;
    const counted = await countChatPromptTokens(engine, messages, undefined, { exactTokens: 50 });
    expect(counted).toBeGreaterThanOrEqual(fed);
    expect(counted).toBeLessThanOrEqual(Buffer.byteLength(content, "utf8") + 100);
  });

  // Wall time: a loaded VM can park the process beyond 400 ms; a count that never yields fails every try.
  it("counts a megabyte of hostile text in slices that leave the event loop free", {
    timeout: 60_000,
    retry: 2,
  }, async () => {
    const content = hostileInputs["random CJK without punctuation"]?.(countableChars - 1024) ?? "";
    const messages: Message[] = [{ role: "user", content }];
    const { result, gapMs, ticks } = await longestGapWhile(() =>
      countChatPromptTokens(engine, messages, undefined, { exactMs: 2000 }),
    );
    expect(result).toBeGreaterThan(content.length);
    expect(ticks).toBeGreaterThan(10);
    expect(gapMs).toBeLessThan(400);
  });

  it("leaves a 10 MB prompt to the router's bound without holding the event loop", {
    timeout: 30_000,
    retry: 2,
  }, async () => {
    const content = hostileInputs["random CJK without punctuation"]?.(10 * 1024 * 1024) ?? "";
    const { result, gapMs } = await longestGapWhile(
      async () => await model.countPromptTokens?.({ messages: [{ role: "user", content }] }),
    );
    expect(result).toBeUndefined();
    expect(gapMs).toBeLessThan(400);
  });

  it("rejects with the signal's reason when it aborts during a count", async () => {
    const content = hostileInputs["random CJK without punctuation"]?.(countableChars - 1024) ?? "";
    const reason = new Error("caller gave up");
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 20);
    const counting = countChatPromptTokens(engine, [{ role: "user", content }], undefined, {
      signal: controller.signal,
    });
    await expect(counting).rejects.toBe(reason);
  });
});

describe("a priced local target's cost estimate", () => {
  it("counts the prompt as the engine will, so a cap just above the real cost lets the call through", {
    timeout: 120_000,
  }, async () => {
    const router = await createRouter({
      policy: {
        providers: { local: { type: "local", model: modelPath, slots: 1, threads: 1 } },
        targets: { tiny: { provider: "local", model: "tiny-llama", price: { input: 1, output: 2 } } },
        routes: { default: { targets: ["tiny"] } },
      },
    });
    try {
      const messages = chats["several turns"] ?? [];
      const plan = await router.explain({ messages, maxTokens: 2 });
      const estimatedUsd = plan.ranked[0]?.estimatedCostUsd ?? 0;
      const result = await router.chat({
        messages,
        maxTokens: 2,
        temperature: 0,
        budget: { maxCostUsd: estimatedUsd * 1.0001 },
      });
      expect(estimatedUsd).toBe((result.usage.inputTokens * 1 + 2 * 2) / 1e6);
      expect(result.costUsd).toBeLessThanOrEqual(estimatedUsd);
      // The UTF-8 bound the router used before: 64 a prompt, 8 a message, one token per byte.
      const bound = messages.reduce(
        (sum, message) => sum + 8 + Buffer.byteLength(message.role + message.content, "utf8"),
        64,
      );
      expect(result.usage.inputTokens).toBeLessThan(bound / 2);
    } finally {
      await router.close();
    }
  });
});
