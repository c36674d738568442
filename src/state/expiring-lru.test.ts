import { describe, expect, it } from "vitest";
import { ExpiringLru } from "./expiring-lru.js";

function lru(options: { maxEntries?: number; maxBytes?: number } = {}) {
  let now = 1_000;
  const store = new ExpiringLru({ maxEntries: 100, maxBytes: 1_000, ...options, now: () => now });
  return { store, advance: (ms: number) => (now += ms) };
}

describe("ExpiringLru", () => {
  it("gives a value back until its TTL has passed", () => {
    const { store, advance } = lru();
    store.set("k", "v", 100);
    advance(99);
    expect(store.get("k")).toBe("v");
    advance(1);
    expect(store.get("k")).toBeUndefined();
    expect(store.bytes).toBe(0);
  });

  it("evicts the least recently read entries once maxBytes would be passed", () => {
    const { store } = lru({ maxBytes: 30 });
    store.set("a", "a".repeat(10), 1_000);
    store.set("b", "b".repeat(10), 1_000);
    store.get("a");
    store.set("c", "c".repeat(15), 1_000);
    expect(store.get("b")).toBeUndefined();
    expect(store.get("a")).toBe("a".repeat(10));
    expect(store.get("c")).toBe("c".repeat(15));
    expect(store.bytes).toBe(25);
  });

  it("counts bytes as UTF-8", () => {
    const { store } = lru({ maxBytes: 10 });
    expect(store.set("e", "é".repeat(5), 1_000)).toBe(true);
    expect(store.bytes).toBe(10);
    expect(store.set("f", "é".repeat(6), 1_000)).toBe(false);
    expect(store.get("e")).toBe("é".repeat(5));
  });

  it("evicts by count at maxEntries, and a replaced value counts once", () => {
    const { store } = lru({ maxEntries: 2 });
    store.set("a", "1", 1_000);
    store.set("a", "22", 1_000);
    store.set("b", "3", 1_000);
    expect(store.size).toBe(2);
    expect(store.bytes).toBe(3);
    store.set("c", "4", 1_000);
    expect(store.get("a")).toBeUndefined();
    expect(store.size).toBe(2);
  });

  it("keeps nothing larger than maxBytes, and keeps what it held", () => {
    const { store } = lru({ maxBytes: 4 });
    store.set("a", "1234", 1_000);
    expect(store.set("b", "12345", 1_000)).toBe(false);
    expect(store.get("a")).toBe("1234");
  });
});
