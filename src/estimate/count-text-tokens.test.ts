import { describe, expect, it } from "vitest";
import { countTextTokens } from "./count-text-tokens.js";

describe("countTextTokens", async () => {
  it("counts o200k_base tokens", async () => {
    expect(await countTextTokens("hello world")).toBe(2);
  });

  it("counts an empty text as zero tokens", async () => {
    expect(await countTextTokens("")).toBe(0);
  });

  it("counts special-token text as plain text instead of throwing", async () => {
    expect(await countTextTokens("a <|endoftext|> b")).toBeGreaterThan(3);
  });
});
