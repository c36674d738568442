import type { Redis } from "ioredis";

/**
 * Tells the replicas' limiters that a concurrency slot of a target was freed, so the next caller
 * anywhere is admitted at once instead of at its next poll. One subscriber connection per process;
 * a lost message only costs a poll interval.
 */
export class WakeChannel {
  readonly #subscriber: Redis;
  readonly #channel: string;
  readonly #listeners = new Map<string, Set<() => void>>();

  constructor(subscriber: Redis, channel: string) {
    this.#subscriber = subscriber;
    this.#channel = channel;
    subscriber.on("message", (channel: string, target: string) => {
      if (channel !== this.#channel) return;
      for (const listener of this.#listeners.get(target) ?? []) listener();
    });
    subscriber.subscribe(channel).catch(() => {
      // Subscribed again on reconnect; until then limiters poll.
    });
  }

  /** Calls `listener` whenever a slot of `target` is freed; returns the unsubscribe function. */
  listen(target: string, listener: () => void): () => void {
    let listeners = this.#listeners.get(target);
    if (!listeners) {
      listeners = new Set();
      this.#listeners.set(target, listeners);
    }
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  close(): void {
    this.#listeners.clear();
    this.#subscriber.disconnect();
  }
}
