import { describe, expect, it } from "vitest";
import { AsyncQueue } from "./async-queue.js";

describe("AsyncQueue", () => {
  it("hands items to the reader in order and ends after close", async () => {
    const queue = new AsyncQueue<number>();
    queue.push(1);
    queue.push(2);
    queue.close();
    const seen: number[] = [];
    for await (const item of queue) seen.push(item);
    expect(seen).toEqual([1, 2]);
  });

  it("holds a producer at the high-water mark until the reader takes an item", async () => {
    const queue = new AsyncQueue<number>({ highWaterMark: 2 });
    const reader = queue[Symbol.asyncIterator]();
    expect(queue.push(1)).toBe(true);
    await reader.next(); // the reader has started: backpressure applies from now on
    expect(queue.push(2)).toBe(true);
    expect(queue.push(3)).toBe(false);
    let room = false;
    const ready = queue.ready().then(() => {
      room = true;
    });
    await Promise.resolve();
    expect(room).toBe(false);
    await reader.next();
    await ready;
    expect(room).toBe(true);
  });

  it("never holds a producer while nobody reads (a caller awaiting only the result)", async () => {
    const queue = new AsyncQueue<number>({ highWaterMark: 1 });
    for (let index = 0; index < 10; index++) queue.push(index);
    await queue.ready();
    expect(queue.size).toBe(10);
  });

  it("tells the producer when the reader leaves early, drops what it held and frees waiting producers", async () => {
    let gone = 0;
    const queue = new AsyncQueue<number>({ highWaterMark: 1, onReaderGone: () => gone++ });
    const reader = queue[Symbol.asyncIterator]();
    queue.push(1);
    await reader.next();
    queue.push(2);
    const waiting = queue.ready();
    await reader.return?.(undefined);
    await waiting;
    expect(gone).toBe(1);
    expect(queue.size).toBe(0);
    expect(queue.push(3)).toBe(false);
  });

  it("does not report a reader that read to the end as gone", async () => {
    let gone = 0;
    const queue = new AsyncQueue<string>({ onReaderGone: () => gone++ });
    queue.push("last");
    queue.close();
    for await (const item of queue) if (item === "last") break;
    expect(gone).toBe(0);
  });

  it("refuses a second reader", async () => {
    const queue = new AsyncQueue<number>();
    queue.push(1);
    await queue[Symbol.asyncIterator]().next();
    await expect(queue[Symbol.asyncIterator]().next()).rejects.toThrow("read only once");
  });
});
