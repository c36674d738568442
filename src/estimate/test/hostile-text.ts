import fc from "fast-check";

/**
 * Fragments that exercise every rule of o200k's pre-tokenizer and every place a cut could go
 * wrong: cased and uncased letters, contractions, digits of several kinds, spaces of several
 * kinds, CR/LF, punctuation runs, combining marks, CJK, astral letters, emoji with skin tones and
 * zero-width joiners, lone surrogates.
 */
export const hostileFragments = [
  "a",
  "e",
  "Q",
  "the",
  "The",
  "HTML",
  "ing",
  "'s",
  "'LL",
  "'",
  "0",
  "7",
  "2024",
  "٣",
  "Ⅻ",
  "²",
  " ",
  "  ",
  "\t",
  "\u00a0",
  "\u2028",
  "\n",
  "\r\n",
  "\n\n",
  ".",
  "!",
  "==",
  "/",
  "(",
  "->",
  "\u0301",
  "\u0308",
  "漢",
  "字",
  "の",
  "한",
  "ก",
  "\u0e31",
  "ب",
  "\ud835\udc9c",
  "\ud840\udc00",
  "😀",
  "👍🏽",
  "👨\u200d👩\u200d👧\u200d👦",
  "🏳️\u200d🌈",
  "\u200d",
  "\ud800",
  "\udc00",
  "<|endoftext|>",
];

/** Short texts built from `hostileFragments`, with long runs of one fragment mixed in. */
export const hostileText: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...hostileFragments) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.constantFrom(...hostileFragments), fc.integer({ min: 2, max: 40 }))
          .map(([fragment, times]) => fragment.repeat(times)),
      },
      { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 8 }) },
    ),
    { maxLength: 40 },
  )
  .map((fragments) => fragments.join(""));
