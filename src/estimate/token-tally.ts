import { EventLoopSlice } from "./event-loop-slice.js";
import { jsonFragments } from "./json-fragments.js";
import { nextPiece, pieceChars, splitsSurrogatePair } from "./next-piece.js";
import { type BpeEncoding, type CountPiece, loadEncoding } from "./o200k-tokenizer.js";

/**
 * Tokens counted exactly before the rest of a prompt is bounded by its UTF-8 length instead. It
 * is above every common context window (GPT-4.1's is 1,047,576), so routing sees exact counts
 * wherever such a window could still take the prompt.
 * @default 1048576
 */
export const exactTokenLimit = 1_048_576;

/**
 * Milliseconds of tokenizer work spent on one count before the rest is bounded by its UTF-8
 * length. Ordinary prose costs ~20–60 ms per MiB, so it stays exact up to the token limit;
 * byte-pair merging text that is not made of vocabulary words costs 1–3 µs per byte on the 2-vCPU
 * VM (random letters, CJK or emoji without spaces: 10 MB would take 10–30 s), and this caps it.
 * A count that ran out of time is still an upper bound, only a looser one.
 * @default 1000
 */
export const exactWorkMs = 1000;

/**
 * Where counting stops: no model's context window comes near 2^26 tokens (the largest offered
 * are around 10 million), so past it the prompt fits nowhere and a larger number changes nothing.
 * It also ends the serialization of a JSON value whose text grows exponentially with its size
 * (one object referenced twice, at every level).
 * @default 67108864
 */
export const countCeiling = 67_108_864;

/**
 * Text beyond the exact limit is measured in slices of this many UTF-16 units: `Buffer.byteLength`
 * takes ~0.15 ms for 64k astral characters.
 * @default 65536
 */
const boundChars = 65_536;

export interface CountOptions {
  /** Aborts the count with the signal's reason: a call's deadline, the caller's abort. */
  signal?: AbortSignal;
  /**
   * Tokens counted exactly; the rest is bounded by its UTF-8 length (a token is never shorter
   * than one byte).
   * @default 1048576
   */
  exactTokens?: number;
  /** Milliseconds of tokenizer work before the rest is bounded likewise. @default 1000 */
  exactMs?: number;
  /**
   * The encoding counted exactly, or "utf8-bound": no tokenizer, every text bounded by its UTF-8
   * length from the start (a target whose tokenizer is unknown, see `TokenizerFamily`).
   * @default "o200k"
   */
  encoding?: BpeEncoding | "utf8-bound";
}

interface TallyOptions extends CountOptions {
  /** Longest piece handed to the tokenizer; tests shorten it to force many cuts. @default 512 */
  pieceChars?: number;
}

const utf8Length: CountPiece = (text) => Buffer.byteLength(text, "utf8");

/**
 * A running token count over several texts (a prompt's messages, tools and schema), linear in
 * their length: each text is cut into bounded pieces (see `nextPiece`), the event loop is handed
 * back every few milliseconds, and the signal is honoured at each hand-back. A piece cut hard
 * through a long run adds one token: cutting a byte-pair merge apart usually costs tokens, but
 * can save one where the whole text's merge order strands a byte on each side of the cut (found
 * by property tests); one per cut covered every case those tests found.
 */
export class TokenTally {
  #total = 0;
  #exactLeft: number;
  #workLeftMs: number;
  readonly #count: CountPiece;
  readonly #pieceChars: number;
  readonly #slice: EventLoopSlice;

  private constructor(count: CountPiece, options: TallyOptions) {
    this.#count = count;
    this.#exactLeft = options.encoding === "utf8-bound" ? 0 : (options.exactTokens ?? exactTokenLimit);
    this.#workLeftMs = options.exactMs ?? exactWorkMs;
    this.#pieceChars = options.pieceChars ?? pieceChars;
    this.#slice = new EventLoopSlice(options.signal);
  }

  /** Waits for the tokenizer (loading it on first use) without blocking; rejects when the signal aborts. */
  static async open(options: TallyOptions = {}): Promise<TokenTally> {
    const encoding = options.encoding ?? "o200k";
    const count = encoding === "utf8-bound" ? utf8Length : await loadEncoding(encoding, options.signal);
    options.signal?.throwIfAborted();
    return new TokenTally(count, options);
  }

  /** The count so far, at most `countCeiling`. */
  get total(): number {
    return Math.min(this.#total, countCeiling);
  }

  /** Adds tokens that frame the texts (a message's role markers). */
  add(tokens: number): void {
    this.#total += tokens;
  }

  async text(text: string): Promise<void> {
    await this.#consume(text, true);
  }

  /** Counts the text of `JSON.stringify(value)`, serialized as it is counted. */
  async json(value: unknown, field: string): Promise<void> {
    let pending = "";
    for (const fragment of jsonFragments(value, field)) {
      if (this.#full) return;
      if (!this.#exact) {
        this.#total += Buffer.byteLength(fragment, "utf8");
        if (this.#slice.due) await this.#slice.yield();
        continue;
      }
      pending += fragment;
      if (pending.length > 4 * this.#pieceChars) pending = await this.#consume(pending, false);
    }
    await this.#consume(pending, true);
  }

  get #full(): boolean {
    return this.#total >= countCeiling;
  }

  /** Whether pieces are still counted with the tokenizer (neither budget is spent). */
  get #exact(): boolean {
    return this.#exactLeft > 0 && this.#workLeftMs > 0;
  }

  /**
   * Counts `text` piece by piece and returns what is left: nothing when `final`, else the tail
   * too short to cut yet (a cut's exactness depends on the code point after it).
   */
  async #consume(text: string, final: boolean): Promise<string> {
    let start = 0;
    while (start < text.length && !this.#full) {
      if (!this.#exact) {
        await this.#bound(text, start);
        return "";
      }
      if (!final && text.length - start <= this.#pieceChars + 1) break;
      const piece = nextPiece(text, start, this.#pieceChars);
      const began = performance.now();
      const tokens = this.#count(
        start === 0 && piece.end === text.length ? text : text.slice(start, piece.end),
      );
      this.#workLeftMs -= performance.now() - began;
      this.#total += piece.exact ? tokens : tokens + 1;
      this.#exactLeft -= tokens;
      start = piece.end;
      if (this.#slice.due) await this.#slice.yield();
    }
    return start === 0 ? text : text.slice(start);
  }

  /** Adds the UTF-8 length of `text` from `start`: an upper bound on its tokens. */
  async #bound(text: string, start: number): Promise<void> {
    for (let from = start; from < text.length && !this.#full; ) {
      let end = Math.min(text.length, from + boundChars);
      if (splitsSurrogatePair(text, end)) end -= 1;
      this.#total += Buffer.byteLength(text.slice(from, end), "utf8");
      from = end;
      if (this.#slice.due) await this.#slice.yield();
    }
  }
}
