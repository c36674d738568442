import { describe, expect, it } from "vitest";
import { didYouMean, levenshtein } from "./did-you-mean.js";

describe("didYouMean", () => {
  it("suggests the closest allowed key for a typo", () => {
    expect(didYouMean("slot", ["slots", "threads", "gpu"])).toBe("slots");
    expect(didYouMean("stratgy", ["strategy", "targets", "fallback"])).toBe("strategy");
    expect(didYouMean("BaseUrl", ["baseURL", "apiKey"])).toBe("baseURL");
  });

  it("suggests nothing when no candidate is close", () => {
    expect(didYouMean("temperature", ["slots", "threads", "gpu"])).toBeUndefined();
  });

  it("does not guess for one- and two-letter words", () => {
    expect(didYouMean("c", ["a", "b"])).toBeUndefined();
    expect(didYouMean("A", ["a", "b"])).toBe("a");
  });
});

describe("levenshtein", () => {
  it("counts insertions, deletions and substitutions", () => {
    expect(levenshtein("kitten", "sitting")).toBe(3);
    expect(levenshtein("", "abc")).toBe(3);
    expect(levenshtein("same", "same")).toBe(0);
  });
});
