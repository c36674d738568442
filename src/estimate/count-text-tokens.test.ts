import { describe, expect, it } from "vitest";
import { countTextTokens } from "./count-text-tokens.js";

describe("countTextTokens", () => {
  it("counts o200k_base tokens", () => {
    expect(countTextTokens("hello world")).toBe(2);
  });

  it("counts an empty text as zero tokens", () => {
    expect(countTextTokens("")).toBe(0);
  });

  it("counts special-token text as plain text instead of throwing", () => {
    expect(countTextTokens("a <|endoftext|> b")).toBeGreaterThan(3);
  });
});
