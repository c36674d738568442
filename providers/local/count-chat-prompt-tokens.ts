import { setImmediate as realSetImmediate } from "node:timers";
import type { EngineTool, LocalEngine } from "../../local-engine/index.js";
import type { Message } from "../../src/core/index.js";
import { chatPromptSegments } from "./chat-prompt-tokens.js";

/**
 * Longest piece of text handed to the native tokenizer at once. llama.cpp's tokenizers are
 * superlinear on text without word breaks (the tiny GGUF: 0.5 ms for 1,024 CJK characters, 190 ms
 * for 32,768), so pieces stay short; prose costs ~0.1 µs a character.
 * @default 1024
 */
export const countPieceChars = 1024;

/**
 * Tokens added for each place a text is cut into pieces, so the sum of the pieces stays an upper
 * bound on the whole. A cut is made before a space that starts a word where there is one, which is
 * a boundary the tokenizer never merges across (GPT-2 / Llama 3 / Qwen pre-tokenizers split there,
 * SentencePiece pieces never hold a word break inside), so such a cut changes nothing or adds a
 * dummy-prefix token. A hard cut through a run without breaks can save a token where the whole
 * text's merge order differs: o200k's property tests found at most one per cut (see `TokenTally`),
 * 20,000 random texts cut every 2–24 characters over the tiny GGUF's SentencePiece vocabulary
 * none; two leaves room for vocabularies not tested, and costs ~0.2 % of a long count.
 * @default 2
 */
export const cutMarginTokens = 2;

/** Milliseconds of work before the event loop is handed back, as for o200k counts. @default 3 */
const sliceMs = 3;

/**
 * Milliseconds of tokenizer work on one count before the rest is bounded by its UTF-8 length.
 * @default 1000
 */
export const countWorkMs = 1000;

export interface ChatCountOptions {
  /** Stops the count, rejecting with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Tokens counted exactly; the rest is bounded by its UTF-8 length. The engine refuses a prompt
   * longer than its context, so its callers pass that. @default Infinity
   */
  exactTokens?: number;
  /** @default 1000 (`countWorkMs`) */
  exactMs?: number;
  /** @default 1024 (`countPieceChars`); tests shorten it to force many cuts */
  pieceChars?: number;
}

/**
 * At most how many tokens `chatPromptTokens` produces for these messages: the same segments,
 * tokenized with the engine's own vocabulary in pieces (see `countPieceChars`, `cutMarginTokens`)
 * with the event loop handed back every few milliseconds, so a huge prompt never stalls other
 * calls. Exact for a prompt whose texts need no cut. Past `exactTokens` or `exactMs` the rest
 * counts one token per UTF-8 byte (a token of input text is never shorter than a byte) plus one
 * per segment for a dummy-prefix token.
 */
export async function countChatPromptTokens(
  engine: Pick<LocalEngine, "applyChatTemplate" | "tokenize">,
  messages: readonly Message[],
  tools: readonly EngineTool[] | undefined,
  options: ChatCountOptions = {},
): Promise<number> {
  const { signal } = options;
  const exactTokens = options.exactTokens ?? Number.POSITIVE_INFINITY;
  const pieceChars = options.pieceChars ?? countPieceChars;
  let workLeftMs = options.exactMs ?? countWorkMs;
  signal?.throwIfAborted();
  let since = performance.now();
  let total = 0;
  let first = true;
  for (const { text, parseSpecial } of chatPromptSegments(engine, messages, tools)) {
    for (let start = 0; start < text.length; ) {
      if (total >= exactTokens || workLeftMs <= 0) {
        // The BOS where nothing was tokenized yet, and a dummy prefix or a cut's margin.
        total += (first ? 1 : 0) + (start === 0 ? 1 : cutMarginTokens);
        total += Buffer.byteLength(start === 0 ? text : text.slice(start), "utf8");
        first = false;
        break;
      }
      const end = nextCut(text, start, pieceChars);
      const began = performance.now();
      total += engine.tokenize(start === 0 && end === text.length ? text : text.slice(start, end), {
        addSpecial: first,
        parseSpecial,
      }).length;
      workLeftMs -= performance.now() - began;
      if (end < text.length) total += cutMarginTokens;
      first = false;
      start = end;
      if (performance.now() - since >= sliceMs) {
        await new Promise((resolve) => realSetImmediate(resolve));
        signal?.throwIfAborted();
        since = performance.now();
      }
    }
  }
  return total;
}

const space = /\s/;

/**
 * Where the piece of `text` from `start` ends: the whole rest when it is short; else before the
 * last space that starts a word (a non-space before it and after it) in the second half of the
 * window; else at the window's end, moved back off a surrogate pair.
 */
export function nextCut(text: string, start: number, pieceChars: number): number {
  const limit = start + pieceChars;
  if (text.length <= limit) return text.length;
  for (let at = limit; at > start + pieceChars / 2; at -= 1) {
    if (text[at] === " " && !space.test(text[at - 1] ?? " ") && !space.test(text[at + 1] ?? " ")) return at;
  }
  const code = text.charCodeAt(limit - 1);
  return code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
}
