import { encodeChat } from "gpt-tokenizer/encoding/o200k_base";
import { describe, expect, it } from "vitest";
import type { Message, ToolDefinition } from "../core/index.js";
import { countPromptTokens } from "./count-prompt-tokens.js";

const weatherTool: ToolDefinition = {
  name: "get_weather",
  description: "Current weather for a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

describe("countPromptTokens", () => {
  it("matches the tokenizer's own chat encoding for plain messages", () => {
    const messages: Message[] = [
      { role: "system", content: "You are terse." },
      { role: "user", content: "How far is the Moon from the Earth, in kilometres?" },
    ];
    expect(countPromptTokens(messages)).toBe(encodeChat(messages, "gpt-4o").length);
  });

  it("counts the framing of an empty conversation", () => {
    expect(countPromptTokens([])).toBe(3);
  });

  it("counts special-token text in a prompt as plain text instead of throwing", () => {
    const count = countPromptTokens([{ role: "user", content: "what does <|endoftext|> mean?" }]);
    expect(count).toBeGreaterThan(8);
  });

  it("adds the tool definitions' JSON", () => {
    const messages: Message[] = [{ role: "user", content: "Weather in Oslo?" }];
    const withTools = countPromptTokens(messages, [weatherTool]);
    expect(withTools - countPromptTokens(messages)).toBeGreaterThan(20);
  });

  it("adds a JSON schema response format but not a plain JSON one", () => {
    const messages: Message[] = [{ role: "user", content: "List three colours." }];
    const plain = countPromptTokens(messages);
    expect(countPromptTokens(messages, undefined, { type: "json_object" })).toBe(plain);
    const schema = { type: "object", properties: { colours: { type: "array", items: { type: "string" } } } };
    expect(countPromptTokens(messages, undefined, { type: "json_schema", schema })).toBeGreaterThan(
      plain + 10,
    );
  });

  it("counts assistant tool calls and tool results", () => {
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
    expect(countPromptTokens(exchange) - countPromptTokens(question)).toBeGreaterThan(20);
  });

  it("grows with the prompt: a 100 kB prompt counts tens of thousands of tokens", () => {
    const content = "The quick brown fox jumps over the lazy dog. ".repeat(2300);
    expect(countPromptTokens([{ role: "user", content }])).toBe(10 * 2300 + 1 + 7);
  });
});
