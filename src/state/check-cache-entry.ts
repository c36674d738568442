/**
 * What `setCached` accepts, checked once for every store: a non-empty key, a string value and a
 * TTL of at least 1 ms that a timer or Redis can hold. `where` names the store and method.
 */
export function checkCacheEntry(where: string, key: unknown, value: unknown, ttlMs: unknown): void {
  checkCacheKey(where, key);
  if (typeof value !== "string") throw new TypeError(`${where}: value must be a string, got ${typeof value}`);
  if (typeof ttlMs !== "number" || !Number.isInteger(ttlMs) || ttlMs < 1 || ttlMs > maxTtlMs) {
    throw new RangeError(`${where}: ttlMs must be an integer from 1 to ${maxTtlMs}, got ${String(ttlMs)}`);
  }
}

export function checkCacheKey(where: string, key: unknown): void {
  if (typeof key !== "string" || key === "" || key.length > 256) {
    throw new TypeError(`${where}: key must be a string of 1–256 characters`);
  }
}

/** setTimeout's largest delay (about 24.8 days); longer TTLs are surely typos. */
const maxTtlMs = 2 ** 31 - 1;
