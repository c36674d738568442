import { describe, expect, it } from "vitest";
import { imageTokens, openImageTokenBound } from "./image-tokens.js";

const openai = (model: string) => ({ providerType: "openai", model });
const anthropic = (model: string) => ({ providerType: "anthropic", model });
const sized = (width: number, height: number, detail: "auto" | "low" | "high" = "auto") => ({
  width,
  height,
  detail,
});
const unknown = { detail: "auto" as const };

describe("imageTokens", () => {
  it("counts GPT-4o images as OpenAI publishes: 85 + 170 per 512 px tile after scaling", () => {
    expect(imageTokens(sized(1024, 1024), openai("gpt-4o"))).toBe(765);
    expect(imageTokens(sized(2048, 4096), openai("gpt-4o-2024-08-06"))).toBe(1105);
    expect(imageTokens(sized(4096, 8192, "high"), openai("gpt-4.1"))).toBe(1105);
    expect(imageTokens(sized(4096, 8192, "low"), openai("gpt-4o"))).toBe(85);
  });

  it("bounds a GPT-4o image of unknown size by its largest count, 8 tiles", () => {
    expect(imageTokens(unknown, openai("gpt-4o"))).toBe(85 + 8 * 170);
    expect(imageTokens({ detail: "low" }, openai("gpt-4o"))).toBe(85);
  });

  it("counts GPT-4o mini at its own, 33× larger, image rates", () => {
    expect(imageTokens(sized(1024, 1024), openai("gpt-4o-mini"))).toBe(2833 + 4 * 5667);
  });

  it("counts patch models by 32 px patches times their multiplier, capped at 1536 patches", () => {
    expect(imageTokens(sized(1024, 1024), openai("gpt-4.1-mini"))).toBe(Math.ceil(1024 * 1.62));
    expect(imageTokens(sized(4000, 4000, "low"), openai("gpt-4.1-nano"))).toBe(Math.ceil(1536 * 2.46));
    expect(imageTokens(unknown, openai("o4-mini"))).toBe(Math.ceil(1536 * 1.72));
  });

  it("bounds an OpenAI model its tables do not know by the largest rule they hold", () => {
    const everyRule = ["gpt-4o", "gpt-4o-mini", "gpt-4.1-nano", "gpt-5.4"].map((model) =>
      imageTokens(sized(1024, 1024), openai(model)),
    );
    expect(imageTokens(sized(1024, 1024), openai("gpt-9-vision"))).toBe(Math.max(...everyRule));
  });

  it("counts Claude images by 28 px patches or width·height/750, whichever is larger, capped by the model's resolution", () => {
    expect(imageTokens(sized(200, 200), anthropic("claude-sonnet-4-5-20250929"))).toBe(64);
    expect(imageTokens(sized(1000, 1000), anthropic("claude-3-5-sonnet-20241022"))).toBe(1334);
    expect(imageTokens(sized(4000, 3000), anthropic("claude-sonnet-4-6"))).toBe(1640);
    expect(imageTokens(unknown, anthropic("claude-haiku-4-5"))).toBe(1640);
    expect(imageTokens(sized(4000, 3000), anthropic("claude-opus-4-7"))).toBe(8848);
  });

  it("bounds every image on other providers by the largest count of common open vision models", () => {
    expect(imageTokens(sized(64, 64), { providerType: "openai-compatible", model: "Qwen2.5-VL-7B" })).toBe(
      openImageTokenBound,
    );
  });

  it("keeps every known size within the bound it takes for an unknown size", () => {
    for (const [width, height] of [
      [1, 1],
      [511, 513],
      [767, 2049],
      [8000, 8000],
      [20, 8000],
    ] as const) {
      const gpt4o = imageTokens(sized(width, height), openai("gpt-4o"));
      expect(gpt4o).toBeGreaterThanOrEqual(85 + 170);
      expect(gpt4o).toBeLessThanOrEqual(imageTokens(unknown, openai("gpt-4o")));
      expect(imageTokens(sized(width, height), anthropic("claude-sonnet-4-6"))).toBeLessThanOrEqual(
        imageTokens(unknown, anthropic("claude-sonnet-4-6")),
      );
    }
  });
});
