import { nextTurn } from "./event-loop-slice.js";

/** Counts the tokens of one piece of text, special-token text counted as plain text. */
export type CountPiece = (text: string) => number;

/** The OpenAI encodings counted exactly: o200k_base (GPT-4o and later), cl100k_base (GPT-4, GPT-3.5). */
export type BpeEncoding = "o200k" | "cl100k";

const loading = new Map<BpeEncoding, Promise<CountPiece>>();

/**
 * Pre-tokens whose byte-pair merge gpt-tokenizer remembers (its default is 100,000). Its cache is
 * a `Map` used as an LRU — every hit deletes and re-inserts the key — and on Node 20 that costs
 * time proportional to the map's size: ~40 µs a hit at 100,000 entries, 0.4 µs at 1,000. With the
 * default, once a long count had filled the cache, 1 MiB of lone surrogates between letters took
 * 25–42 s instead of 0.6 s. The cache is shared by every user of the module in the process.
 * @default 1024
 */
const mergeCacheEntries = 1024;

/**
 * Special-token text (`<|endoftext|>`) is counted as plain text: callers' content is never a
 * control sequence, and the tokenizer's default would throw on it. Built once, reused per call.
 */
const asPlainText = { disallowedSpecial: new Set<string>() };

/**
 * The o200k_base tokenizer (GPT-4o and later), imported on the first count rather than at
 * package import: building it costs ~150–550 ms and ~35 MB of heap. Module evaluation cannot be
 * interrupted, so the import goes in two steps — the rank table, then the encoder that indexes it
 * — with a turn of the event loop between them and after them: the longest block is the larger
 * step (~100 ms measured), not their sum, and timers that came due meanwhile (a call's deadline)
 * fire before counting starts. A failed import is retried by the next count.
 */
export function loadO200k(signal?: AbortSignal): Promise<CountPiece> {
  return loadEncoding("o200k", signal);
}

/** `loadO200k` for either encoding; cl100k_base is imported only when a target uses it. */
export function loadEncoding(encoding: BpeEncoding, signal?: AbortSignal): Promise<CountPiece> {
  let pending = loading.get(encoding);
  if (!pending) {
    pending = (encoding === "o200k" ? importO200k() : importCl100k()).catch((error: unknown) => {
      loading.delete(encoding);
      throw error;
    });
    loading.set(encoding, pending);
  }
  return signal ? untilAborted(pending, signal) : pending;
}

async function importO200k(): Promise<CountPiece> {
  await import("gpt-tokenizer/bpeRanks/o200k_base");
  await nextTurn();
  const { countTokens, setMergeCacheSize } = await import("gpt-tokenizer/encoding/o200k_base");
  setMergeCacheSize(mergeCacheEntries);
  await nextTurn();
  return (text) => countTokens(text, asPlainText);
}

async function importCl100k(): Promise<CountPiece> {
  await import("gpt-tokenizer/bpeRanks/cl100k_base");
  await nextTurn();
  const { countTokens, setMergeCacheSize } = await import("gpt-tokenizer/encoding/cl100k_base");
  setMergeCacheSize(mergeCacheEntries);
  await nextTurn();
  return (text) => countTokens(text, asPlainText);
}

/** `promise`, or the signal's reason as soon as it aborts; leaves no listener on the signal. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
