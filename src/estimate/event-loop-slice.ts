import { setImmediate as realSetImmediate } from "node:timers";

/**
 * Counting runs in slices of at most this many milliseconds, then hands the event loop back
 * (timers, I/O, other calls) before the next slice. One piece of text costs at most ~1–3 ms on
 * the slowest input measured (512 random CJK characters on a loaded 2-vCPU VM), so the longest
 * block stays near slice + piece; a yield costs a few microseconds, so 3 ms slices waste well
 * under 1 % of a long count (BENCHMARKS.md, "Token counting under hostile input").
 * @default 3
 */
export const sliceMs = 3;

/**
 * Resolves on the next turn of the event loop, after timers that came due and pending I/O ran.
 * The `node:timers` binding is the real one even where a test fakes the global timers, so a count
 * never waits on a clock that a test holds still.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(resolve));
}

/** Tracks how long work has held the event loop and yields once a slice is used up. */
export class EventLoopSlice {
  #since = performance.now();

  constructor(readonly signal?: AbortSignal) {}

  /** The current slice is used up: call `yield()` before more work. */
  get due(): boolean {
    return performance.now() - this.#since >= sliceMs;
  }

  /** Lets the event loop run, then throws the signal's reason when it aborted meanwhile. */
  async yield(): Promise<void> {
    await nextTurn();
    this.signal?.throwIfAborted();
    this.#since = performance.now();
  }
}
