/**
 * The one queue between a producer and an async reader (a stream's parts, an engine run's
 * tokens): FIFO, read once, with backpressure. `push` reports whether the buffer is still below
 * `highWaterMark`; a producer that can wait awaits `ready()` before pushing more, so a reader that
 * stops reading pauses it. A producer that cannot wait (an engine step that serves every slot at
 * once) pushes anyway: its output is bounded by the request's `maxTokens`.
 *
 * Until a reader has started, `ready()` does not hold the producer back: a caller that only
 * awaits the final result never reads the parts, and must not stall the call.
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  readonly #highWaterMark: number;
  readonly #onReaderGone: (() => void) | undefined;
  #closed = false;
  #taken = false;
  #readerGone = false;
  /** The reader waiting for an item. */
  #wakeReader: (() => void) | undefined;
  /** Producers waiting for room. */
  #wakeProducers: (() => void)[] = [];

  constructor(options: { highWaterMark?: number; onReaderGone?: () => void } = {}) {
    this.#highWaterMark = Math.max(1, options.highWaterMark ?? 32);
    this.#onReaderGone = options.onReaderGone;
  }

  get size(): number {
    return this.#items.length;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Adds an item (ignored once closed); false when the buffer has reached its high-water mark. */
  push(item: T): boolean {
    if (this.#closed || this.#readerGone) return !this.#readerGone;
    this.#items.push(item);
    this.#wakeReader?.();
    this.#wakeReader = undefined;
    return this.#items.length < this.#highWaterMark;
  }

  /** Resolves once there is room (or nobody reads yet, or the reader left, or the queue closed). */
  ready(): Promise<void> {
    if (!this.#taken || this.#readerGone || this.#closed || this.#items.length < this.#highWaterMark) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#wakeProducers.push(resolve));
  }

  /** No more items: the reader ends after the ones buffered. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#wakeReader?.();
    this.#wakeReader = undefined;
    this.#releaseProducers();
  }

  #releaseProducers(): void {
    const waiting = this.#wakeProducers;
    this.#wakeProducers = [];
    for (const wake of waiting) wake();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.#taken) throw new TypeError("This queue can be read only once");
    this.#taken = true;
    try {
      while (true) {
        const item = this.#items.shift();
        if (item !== undefined) {
          if (this.#items.length < this.#highWaterMark) this.#releaseProducers();
          yield item;
          continue;
        }
        if (this.#closed) return;
        await new Promise<void>((resolve) => {
          this.#wakeReader = resolve;
        });
      }
    } finally {
      // Left before the end (break, throw, return): nobody wants the rest.
      if (!this.#closed || this.#items.length > 0) {
        this.#readerGone = true;
        this.#items.length = 0;
        this.#releaseProducers();
        this.#onReaderGone?.();
      }
    }
  }
}
