interface Entry {
  value: string;
  bytes: number;
  expiresAt: number;
}

export interface ExpiringLruOptions {
  /** Entries kept at most; the least recently used go first. */
  maxEntries: number;
  /** Bytes (UTF-8) of the values kept at most; the least recently used go first. */
  maxBytes: number;
  /** The clock, ms since epoch. @default Date.now (read at each call, so fake timers move it) */
  now?: () => number;
}

/**
 * Strings by key, each until its own expiry, bounded by count and by bytes: a Map keeps insertion
 * order, so a read moves its entry to the end and eviction takes from the front. Memory is the
 * values plus a constant per entry, whatever the traffic.
 */
export class ExpiringLru {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #now: () => number;
  #bytes = 0;

  constructor(options: ExpiringLruOptions) {
    this.#maxEntries = options.maxEntries;
    this.#maxBytes = options.maxBytes;
    this.#now = options.now ?? (() => Date.now());
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Bytes of the values kept now. */
  get bytes(): number {
    return this.#bytes;
  }

  get(key: string): string | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (entry.expiresAt <= this.#now()) {
      this.#bytes -= entry.bytes;
      return undefined;
    }
    this.#entries.set(key, entry);
    return entry.value;
  }

  /** Keeps `value` for `ttlMs`; false (and nothing kept) when it alone is larger than `maxBytes`. */
  set(key: string, value: string, ttlMs: number): boolean {
    this.delete(key);
    const bytes = Buffer.byteLength(value);
    if (bytes > this.#maxBytes) return false;
    this.#entries.set(key, { value, bytes, expiresAt: this.#now() + ttlMs });
    this.#bytes += bytes;
    for (const [oldest, entry] of this.#entries) {
      if (this.#entries.size <= this.#maxEntries && this.#bytes <= this.#maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= entry.bytes;
    }
    return true;
  }

  delete(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }
}
