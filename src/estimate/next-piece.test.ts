import fc from "fast-check";
import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import { describe, expect, it } from "vitest";
import { isExactCut, nextPiece, splitsSurrogatePair } from "./next-piece.js";
import { hostileText } from "./test/hostile-text.js";

const asPlainText = { disallowedSpecial: new Set<string>() };
const count = (text: string) => countTokens(text, asPlainText);

function pieces(text: string, maxChars: number): { text: string; exact: boolean }[] {
  const result: { text: string; exact: boolean }[] = [];
  for (let start = 0; start < text.length; ) {
    const piece = nextPiece(text, start, maxChars);
    result.push({ text: text.slice(start, piece.end), exact: piece.exact });
    start = piece.end;
  }
  return result;
}

describe("isExactCut", () => {
  it("cuts only where the pre-tokenizer does: both sides count exactly what the whole counts", () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        let sum = 0;
        let start = 0;
        for (let index = 1; index < text.length; index++) {
          if (!isExactCut(text, index)) continue;
          sum += count(text.slice(start, index));
          start = index;
        }
        sum += count(text.slice(start));
        expect(sum).toBe(count(text));
      }),
      { numRuns: 400 },
    );
  });

  it("finds cuts in ordinary prose, code and CJK with punctuation", () => {
    expect(isExactCut("hello world", 5)).toBe(true);
    expect(isExactCut("x = f(y2)", 7)).toBe(true);
    expect(isExactCut("漢字。漢字", 2)).toBe(true);
    expect(isExactCut("don't", 3)).toBe(false);
    expect(isExactCut("a.\nb", 2)).toBe(false);
    expect(isExactCut("😀😀", 1)).toBe(false);
  });
});

describe("nextPiece", () => {
  it("ends every piece within reach, never empty and never inside a surrogate pair", () => {
    fc.assert(
      fc.property(hostileText, fc.integer({ min: 2, max: 24 }), (text, maxChars) => {
        for (let start = 0; start < text.length; ) {
          const { end } = nextPiece(text, start, maxChars);
          expect(end).toBeGreaterThan(start);
          expect(end - start).toBeLessThanOrEqual(maxChars);
          expect(end === text.length || !splitsSurrogatePair(text, end)).toBe(true);
          start = end;
        }
      }),
      { numRuns: 400 },
    );
  });

  it("splits a long run of one character hard, at the size asked for", () => {
    const split = pieces("a".repeat(2000), 512);
    expect(split.map((piece) => piece.text.length)).toEqual([512, 512, 512, 464]);
    expect(split.map((piece) => piece.exact)).toEqual([false, false, false, true]);
  });

  it("keeps the exact count of prose split into pieces", () => {
    const prose = "It's 2024: the quick brown fox jumps over the lazy dog, twice!\n".repeat(200);
    const split = pieces(prose, 512);
    expect(split.every((piece) => piece.exact)).toBe(true);
    expect(split.reduce((sum, piece) => sum + count(piece.text), 0)).toBe(count(prose));
  });
});
