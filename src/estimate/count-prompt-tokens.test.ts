import { encodeChat } from "gpt-tokenizer/encoding/o200k_base";
import { describe, expect, it } from "vitest";
import { englishText } from "../../bench/hostile-inputs.mjs";
import type { Message, ToolDefinition } from "../core/index.js";
import { countPromptTokens } from "./count-prompt-tokens.js";

const weatherTool: ToolDefinition = {
  name: "get_weather",
  description: "Current weather for a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

describe("countPromptTokens", () => {
  it("matches the tokenizer's own chat encoding for plain messages", async () => {
    const messages = [
      { role: "system", content: "You are terse." },
      { role: "user", content: "How far is the Moon from the Earth, in kilometres?" },
    ] satisfies Message[];
    expect(await countPromptTokens(messages)).toBe(encodeChat(messages, "gpt-4o").length);
  });

  it("matches the tokenizer's own chat encoding for a long conversation counted in pieces", async () => {
    const messages = [
      { role: "system", content: englishText(50_000) },
      { role: "user", content: "Summarise the notes above, then list every figure they give." },
      { role: "assistant", content: englishText(120_000) },
      { role: "user", content: "東京の人口は?\n\tAnd in 2024? Don't round: 13,960,000 or so." },
    ] satisfies Message[];
    expect(await countPromptTokens(messages)).toBe(encodeChat(messages, "gpt-4o").length);
  });

  it("counts the framing of an empty conversation", async () => {
    expect(await countPromptTokens([])).toBe(3);
  });

  it("counts special-token text in a prompt as plain text instead of throwing", async () => {
    const count = await countPromptTokens([{ role: "user", content: "what does <|endoftext|> mean?" }]);
    expect(count).toBeGreaterThan(8);
  });

  it("adds the tool definitions' JSON", async () => {
    const messages: Message[] = [{ role: "user", content: "Weather in Oslo?" }];
    const withTools = await countPromptTokens(messages, [weatherTool]);
    expect(withTools - (await countPromptTokens(messages))).toBeGreaterThan(20);
  });

  it("adds a JSON schema response format but not a plain JSON one", async () => {
    const messages: Message[] = [{ role: "user", content: "List three colours." }];
    const plain = await countPromptTokens(messages);
    expect(await countPromptTokens(messages, undefined, { type: "json_object" })).toBe(plain);
    const schema = { type: "object", properties: { colours: { type: "array", items: { type: "string" } } } };
    expect(await countPromptTokens(messages, undefined, { type: "json_schema", schema })).toBeGreaterThan(
      plain + 10,
    );
  });

  it("counts assistant tool calls and tool results", async () => {
    const question: Message[] = [{ role: "user", content: "Weather in Oslo?" }];
    const exchange: Message[] = [
      ...question,
      {
        role: "assistant",
        content: "",
        toolCalls: [{ id: "call_1", name: "get_weather", arguments: '{"city":"Oslo"}' }],
      },
      { role: "tool", toolCallId: "call_1", content: '{"celsius":4}' },
    ];
    expect((await countPromptTokens(exchange)) - (await countPromptTokens(question))).toBeGreaterThan(20);
  });

  it("grows with the prompt: a 100 kB prompt counts tens of thousands of tokens", async () => {
    const content = "The quick brown fox jumps over the lazy dog. ".repeat(2300);
    expect(await countPromptTokens([{ role: "user", content }])).toBe(10 * 2300 + 1 + 7);
  });
});
