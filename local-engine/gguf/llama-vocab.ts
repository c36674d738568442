import { commonEnglishSubwords, commonEnglishWords } from "./english-pieces.js";

/** tokenizer.ggml.token_type values (llama.cpp `enum llama_token_type`). */
export const LlamaTokenType = {
  normal: 1,
  unknown: 2,
  control: 3,
  userDefined: 4,
  unused: 5,
  byte: 6,
} as const;

/** Ids of the tokens every generated vocabulary starts with. */
export const llamaSpecialTokenIds = { unknown: 0, bos: 1, eos: 2, imStart: 3, imEnd: 4 } as const;

export interface LlamaVocab {
  tokens: string[];
  /** SentencePiece scores: when two adjacent symbols can merge, the higher-scoring piece wins. */
  scores: number[];
  tokenTypes: number[];
}

/** U+2581, SentencePiece's stand-in for a space. */
export const SPACE_MARKER = "\u2581";

const specialTokens: readonly (readonly [string, number])[] = [
  ["<unk>", LlamaTokenType.unknown],
  ["<s>", LlamaTokenType.control],
  ["</s>", LlamaTokenType.control],
  ["<|im_start|>", LlamaTokenType.control],
  ["<|im_end|>", LlamaTokenType.control],
];

const printableAscii = Array.from({ length: 0x7e - 0x20 }, (_, index) => String.fromCharCode(0x21 + index));
const lowercase = Array.from({ length: 26 }, (_, index) => String.fromCharCode(0x61 + index));

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function* letterCombinations(length: number): Generator<string> {
  if (length === 0) {
    yield "";
    return;
  }
  for (const head of lowercase) for (const tail of letterCombinations(length - 1)) yield head + tail;
}

/** Candidate pieces, most wanted first; the supply is effectively endless so any vocab size can be met. */
function* candidatePieces(): Generator<string> {
  yield SPACE_MARKER;
  yield* printableAscii;
  const frequent = commonEnglishWords.slice(0, 200);
  for (const word of frequent) yield SPACE_MARKER + word;
  yield* commonEnglishSubwords;
  // Text that starts without a space (add_space_prefix is off) begins with a bare word.
  for (const word of frequent.slice(0, 60)) {
    yield capitalize(word);
    yield SPACE_MARKER + capitalize(word);
    yield word;
  }
  for (const word of commonEnglishWords.slice(frequent.length)) yield SPACE_MARKER + word;
  // Filler for benchmark-sized vocabularies: letter combinations, which real text also produces.
  for (let length = 1; length <= 4; length++) {
    for (const letters of letterCombinations(length)) {
      yield SPACE_MARKER + letters;
      if (length > 1) yield letters;
    }
    for (const letters of letterCombinations(length)) yield SPACE_MARKER + capitalize(letters);
  }
}

/**
 * A SentencePiece-style ("llama") vocabulary of exactly `size` tokens: `<unk>`, `<s>`, `</s>`,
 * `<|im_start|>`, `<|im_end|>`, the 256 byte tokens `<0x00>`..`<0xFF>` (so any UTF-8 text can be
 * encoded by byte fallback), then normal pieces, and last the `userDefined` tokens (like Qwen's
 * `<tool_call>`: the tokenizer always matches them whole, and unlike control tokens they are text).
 * llama.cpp's SPM tokenizer merges adjacent symbols only when their concatenation is a piece, so every
 * prefix of a piece is added before the piece: a word can then always be built up from its letters.
 */
export function buildLlamaVocab(size: number, userDefined: readonly string[] = []): LlamaVocab {
  const tokens: string[] = [];
  const scores: number[] = [];
  const tokenTypes: number[] = [];
  const add = (token: string, type: number, score: number) => {
    tokens.push(token);
    tokenTypes.push(type);
    scores.push(score);
  };
  for (const [token, type] of specialTokens) add(token, type, 0);
  for (let byte = 0; byte < 256; byte++) {
    add(`<0x${byte.toString(16).toUpperCase().padStart(2, "0")}>`, LlamaTokenType.byte, 0);
  }
  const minimum = tokens.length + 1 + printableAscii.length + userDefined.length;
  if (!Number.isInteger(size) || size < minimum) {
    throw new RangeError(`vocab size ${size} is below ${minimum}`);
  }
  const normalEnd = size - userDefined.length;

  const seen = new Set<string>([...tokens, ...userDefined]);
  if (seen.size !== tokens.length + userDefined.length) {
    throw new RangeError(`user-defined tokens ${JSON.stringify(userDefined)} repeat a token`);
  }
  let rank = 0;
  const addPiece = (piece: string) => {
    if (seen.has(piece) || tokens.length >= normalEnd) return;
    seen.add(piece);
    // `0 - rank` keeps the first score +0 rather than -0.
    add(piece, LlamaTokenType.normal, 0 - rank);
    rank += 1;
  };
  for (const candidate of candidatePieces()) {
    const characters = [...candidate];
    for (let length = 2; length <= characters.length; length++)
      addPiece(characters.slice(0, length).join(""));
    if (characters.length === 1) addPiece(candidate);
    if (tokens.length >= normalEnd) break;
  }
  if (tokens.length < normalEnd) {
    throw new RangeError(`vocab size ${size} exceeds the ${tokens.length} pieces available`);
  }
  for (const token of userDefined) add(token, LlamaTokenType.userDefined, 0);
  return { tokens, scores, tokenTypes };
}
