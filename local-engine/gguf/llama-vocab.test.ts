import { describe, expect, it } from "vitest";
import { buildLlamaVocab, LlamaTokenType, llamaSpecialTokenIds, SPACE_MARKER } from "./llama-vocab.js";

describe("buildLlamaVocab", () => {
  const vocab = buildLlamaVocab(1024);

  it("starts with the special tokens, then the 256 byte tokens", () => {
    expect(vocab.tokens.slice(0, 5)).toEqual(["<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>"]);
    expect(vocab.tokenTypes.slice(0, 5)).toEqual([
      LlamaTokenType.unknown,
      LlamaTokenType.control,
      LlamaTokenType.control,
      LlamaTokenType.control,
      LlamaTokenType.control,
    ]);
    expect(vocab.tokens[llamaSpecialTokenIds.imEnd]).toBe("<|im_end|>");
    expect(vocab.tokens[5]).toBe("<0x00>");
    expect(vocab.tokens[5 + 0x0a]).toBe("<0x0A>");
    expect(vocab.tokens[5 + 0xff]).toBe("<0xFF>");
    expect(vocab.tokenTypes.slice(5, 261).every((type) => type === LlamaTokenType.byte)).toBe(true);
  });

  it("has exactly the requested number of distinct tokens", () => {
    for (const size of [400, 1024, 32_000]) {
      const { tokens, scores, tokenTypes } = buildLlamaVocab(size);
      expect(new Set(tokens).size).toBe(size);
      expect(scores).toHaveLength(size);
      expect(tokenTypes).toHaveLength(size);
    }
  });

  it("holds every prefix of every piece, so SPM merges can build each piece", () => {
    const known = new Set(vocab.tokens);
    const normal = vocab.tokens.filter((_, id) => vocab.tokenTypes[id] === LlamaTokenType.normal);
    const missing = normal.flatMap((piece) => {
      const characters = [...piece];
      return characters
        .slice(1)
        .map((_, index) => characters.slice(0, index + 1).join(""))
        .filter((prefix) => !known.has(prefix));
    });
    expect(missing).toEqual([]);
    expect(normal).toContain(SPACE_MARKER);
    expect(normal).toContain(`${SPACE_MARKER}the`);
  });

  it("scores earlier pieces higher", () => {
    const normalScores = vocab.scores.filter((_, id) => vocab.tokenTypes[id] === LlamaTokenType.normal);
    expect(normalScores.every((score, index) => index === 0 || score < normalScores[index - 1]!)).toBe(true);
  });

  it("refuses sizes too small for the fixed tokens", () => {
    expect(() => buildLlamaVocab(300)).toThrow(RangeError);
  });
});
