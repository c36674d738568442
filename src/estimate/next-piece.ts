/**
 * Longest piece handed to the tokenizer at once, in UTF-16 code units. gpt-tokenizer's byte-pair
 * merge is quadratic in the length of a pre-token (a run of one character or a run without
 * spaces is one pre-token: 160k characters took 9.7 s), and its cost per call is a few
 * microseconds; 512 keeps the worst piece measured near 1–3 ms (random CJK, 1.5 kB of UTF-8)
 * while ordinary text costs the same per character as in one call (BENCHMARKS.md, "Token
 * counting under hostile input").
 * @default 512
 */
export const pieceChars = 512;

/** How the code point on each side of a possible cut behaves in the o200k pre-tokenizer. */
const space = 0;
const newline = 1;
const letter = 2;
/** Marks continue a letter run or a punctuation run alike, so a cut after one proves nothing. */
const mark = 3;
const digit = 4;
const apostrophe = 5;
const other = 6;

const whitespacePattern = /^\s$/u;
const letterPattern = /^\p{L}$/u;
const markPattern = /^\p{M}$/u;
const digitPattern = /^\p{N}$/u;

function classify(codePoint: number): number {
  if (codePoint === 0x0a || codePoint === 0x0d) return newline;
  if (codePoint === 0x27) return apostrophe;
  const char = String.fromCodePoint(codePoint);
  if (whitespacePattern.test(char)) return space;
  if (letterPattern.test(char)) return letter;
  if (markPattern.test(char)) return mark;
  if (digitPattern.test(char)) return digit;
  return other;
}

const asciiKinds = Uint8Array.from({ length: 128 }, (_, codePoint) => classify(codePoint));

function kindOf(codePoint: number): number {
  return codePoint < 128 ? (asciiKinds[codePoint] as number) : classify(codePoint);
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** Whether `index` falls between the two halves of a surrogate pair. */
export function splitsSurrogatePair(text: string, index: number): boolean {
  return isHighSurrogate(text.charCodeAt(index - 1)) && isLowSurrogate(text.charCodeAt(index));
}

/**
 * Whether o200k_base's pre-tokenizer (gpt-tokenizer's O200K_TOKEN_SPLIT_REGEX) always ends a
 * pre-token at `index`, whatever comes before and after, so that counting the two sides apart
 * gives exactly the count of the whole. True where
 * - a non-space is followed by a space other than CR/LF: no pattern runs from a non-space into
 *   a following space except punctuation's trailing `[\r\n/]*`;
 * - a letter is followed by anything but a letter, a mark or an apostrophe (which may start a
 *   contraction suffix such as `'s`); a mark proves nothing, as it continues a letter run and a
 *   punctuation run (`((\u0301`) alike;
 * - a digit is followed by a non-digit: digits only ever match `\p{N}{1,3}`.
 * No pattern looks behind, and the one lookahead, `\s+(?!\S)`, sees a space or the end of the
 * text alike, so each side tokenizes as it does inside the whole.
 */
export function isExactCut(text: string, index: number): boolean {
  if (splitsSurrogatePair(text, index)) return false;
  const beforeUnit = text.charCodeAt(index - 1);
  const before =
    isLowSurrogate(beforeUnit) && index >= 2 && isHighSurrogate(text.charCodeAt(index - 2))
      ? (text.codePointAt(index - 2) as number)
      : beforeUnit;
  const x = kindOf(before);
  const y = kindOf(text.codePointAt(index) as number);
  if (y === space) return x !== space && x !== newline;
  if (x === letter) return y !== letter && y !== mark && y !== apostrophe;
  return x === digit && y !== digit;
}

export interface Piece {
  /** Where the piece ends (exclusive). */
  end: number;
  /**
   * The cut at `end` is one the pre-tokenizer makes anyway (or the end of the text), so the count
   * is exact; false for a hard cut through a long run, which may change the count by a token.
   */
  exact: boolean;
}

/**
 * The next piece of `text` from `start`: at most `maxChars` long, ending at the last exact cut
 * within reach, else cut hard (never inside a surrogate pair). Scanning back costs at most the
 * distance to that cut, which the next piece then covers, so splitting a text is linear.
 */
export function nextPiece(text: string, start: number, maxChars: number = pieceChars): Piece {
  let end = start + maxChars;
  if (end >= text.length) return { end: text.length, exact: true };
  for (let index = end; index > start; index--) {
    if (isExactCut(text, index)) return { end: index, exact: true };
  }
  // Keep a surrogate pair whole: back off one unit, or take the pair when the piece is one unit long.
  if (splitsSurrogatePair(text, end)) end += end - 1 > start ? -1 : 1;
  return { end, exact: false };
}
