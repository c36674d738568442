import { describe, expect, it } from "vitest";
import { openaiModelFamily } from "./openai-capabilities.js";

describe("openaiModelFamily", () => {
  it("gives gpt-4o-mini and its dated snapshots 20 log-probs, tools, JSON schema and 128k context", () => {
    for (const model of ["gpt-4o-mini", "gpt-4o-mini-2024-07-18", "gpt-4o"]) {
      expect(openaiModelFamily(model).capabilities).toMatchObject({
        logprobs: 20,
        tools: true,
        jsonSchema: true,
        contextWindow: 128_000,
      });
    }
  });

  it("gives the gpt-4.1 family a context window of about a million tokens", () => {
    expect(openaiModelFamily("gpt-4.1-nano").capabilities.contextWindow).toBe(1_047_576);
  });

  it("gives o-series and gpt-5 reasoning models no log-probs and drops their sampling controls", () => {
    for (const model of ["o3", "o4-mini", "o3-mini-2025-01-31", "gpt-5-mini"]) {
      const family = openaiModelFamily(model);
      expect(family.capabilities.logprobs).toBe(0);
      expect(family.dropParams).toEqual(expect.arrayContaining(["temperature", "top_p", "logprobs"]));
    }
  });

  it("claims nothing but streaming for a model it does not know", () => {
    expect(openaiModelFamily("ft:gpt-9-experimental").capabilities).toEqual({
      streaming: true,
      local: false,
      logprobs: 0,
      tools: false,
      jsonSchema: false,
      vision: false,
    });
  });

  it("claims image input for GPT-4o, GPT-4.1, GPT-5, GPT-4 Turbo and o1/o3/o4-mini, not for o3-mini or GPT-3.5", () => {
    const vision = (model: string) => openaiModelFamily(model).capabilities.vision === true;
    for (const model of [
      "gpt-4o",
      "gpt-4o-mini-2024-07-18",
      "gpt-4.1-nano",
      "gpt-5",
      "gpt-5.4-mini",
      "o3",
      "o4-mini",
      "gpt-4-turbo-2024-04-09",
    ]) {
      expect(vision(model), model).toBe(true);
    }
    for (const model of ["o3-mini", "o1-mini-2024-09-12", "gpt-3.5-turbo", "gpt-4-turbo-preview", "gpt-9"]) {
      expect(vision(model), model).toBe(false);
    }
  });
});
