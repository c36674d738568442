import { encodeChat as cl100kChat } from "gpt-tokenizer/encoding/cl100k_base";
import { describe, expect, it } from "vitest";
import { englishText } from "../../bench/hostile-inputs.mjs";
import type { Message } from "../core/index.js";
import { countPromptTokens } from "./count-prompt-tokens.js";
import { tokenizerFamily } from "./tokenizer-family.js";

describe("tokenizerFamily", () => {
  it.each([
    ["openai", "gpt-4o-mini", "o200k"],
    ["openai", "gpt-4.1", "o200k"],
    ["openai", "gpt-5-mini", "o200k"],
    ["openai", "o4-mini", "o200k"],
    ["openai", "ft:gpt-4o-mini-2024-07-18:acme::abc123", "o200k"],
    ["openai", "gpt-4-turbo", "cl100k"],
    ["openai", "gpt-3.5-turbo", "cl100k"],
    ["openai", "davinci-002", "utf8-bound"],
    ["anthropic", "claude-sonnet-4-5", "utf8-bound"],
    ["replicate", "meta/meta-llama-3-8b-instruct", "utf8-bound"],
    ["openai-compatible", "gpt-4o-mini", "utf8-bound"],
    ["local", "qwen2.5-0.5b-instruct", "utf8-bound"],
  ] as const)("counts %s %s with %s", (providerType, model, family) => {
    expect(tokenizerFamily({ providerType, model })).toBe(family);
  });
});

describe("countPromptTokens by family", () => {
  const messages = [
    { role: "system", content: "You are terse." },
    { role: "user", content: "How far is the Moon from the Earth, in kilometres?" },
  ] satisfies Message[];

  it("counts older OpenAI models with cl100k_base, as they bill", async () => {
    expect(await countPromptTokens(messages, undefined, undefined, { family: "cl100k" })).toBe(
      cl100kChat(messages, "gpt-4").length,
    );
  });

  it("bounds an unknown tokenizer by UTF-8 bytes plus template framing, above both OpenAI encodings", async () => {
    const samples: Message[][] = [
      messages,
      [{ role: "user", content: "東京の人口は?🙂🚀 ".repeat(200) }],
      [{ role: "user", content: englishText(20_000) }],
    ];
    for (const sample of samples) {
      const bound = await countPromptTokens(sample, undefined, undefined, { family: "utf8-bound" });
      const bytes = sample.reduce((sum, m) => sum + Buffer.byteLength(m.role + m.content, "utf8"), 0);
      expect(bound).toBe(64 + 8 * sample.length + bytes);
      expect(bound).toBeGreaterThan(await countPromptTokens(sample));
      expect(bound).toBeGreaterThan(
        await countPromptTokens(sample, undefined, undefined, { family: "cl100k" }),
      );
    }
  });
});
