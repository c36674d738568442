import { type Route, type RouteCache, type StateStore, SwitchyardError } from "../core/index.js";
import { ExpiringLru } from "../state/expiring-lru.js";

interface MemoryStore {
  /** The settings it was built with; a reload that changes them builds a new one. */
  bounds: string;
  lru: ExpiringLru;
}

/**
 * The response caches of one policy's routes: a memory LRU per route (`store: memory`) or the
 * router's state store (`store: state`), plus the calls in flight by key, so identical requests
 * made at once send one (single flight). Built anew with each routing context; a route whose
 * memory bounds did not change keeps its entries across reloads, and calls in flight are shared.
 */
export class ResponseCache {
  readonly #memory = new Map<string, MemoryStore>();
  /** Serialized answers of the calls in flight by key; undefined when the call gave none to keep. */
  readonly #flights: Map<string, Promise<string | undefined>>;
  readonly #state: StateStore;

  /** Throws when a route caches through a state store that keeps no cache entries. */
  constructor(routes: Iterable<Route>, state: StateStore, previous?: ResponseCache) {
    this.#state = state;
    this.#flights = previous ? previous.#flights : new Map();
    for (const route of routes) {
      const settings = route.cache;
      if (!settings) continue;
      if (settings.store === "state") {
        if (typeof state.getCached !== "function" || typeof state.setCached !== "function") {
          throw new SwitchyardError(
            `route ${route.name}: cache.store is "state", but the router's state store has no getCached/setCached (use store: memory, or a store that keeps cache entries)`,
          );
        }
        continue;
      }
      const bounds = `${settings.maxEntries}/${settings.maxBytes}`;
      const kept = previous ? previous.#memory.get(route.name) : undefined;
      this.#memory.set(
        route.name,
        kept?.bounds === bounds
          ? kept
          : {
              bounds,
              lru: new ExpiringLru({ maxEntries: settings.maxEntries, maxBytes: settings.maxBytes }),
            },
      );
    }
  }

  /** The serialized answer stored under `key` for the route, if any and not expired. */
  async get(route: Route, key: string): Promise<string | undefined> {
    const settings = route.cache;
    if (!settings) return undefined;
    if (settings.store === "memory") return this.#memory.get(route.name)?.lru.get(key);
    return this.#state.getCached?.(key);
  }

  /** Stores a serialized answer for the route's TTL; false when it is larger than `maxEntryBytes`. */
  async set(route: Route, key: string, serialized: string): Promise<boolean> {
    const settings: RouteCache | undefined = route.cache;
    if (!settings || Buffer.byteLength(serialized) > settings.maxEntryBytes) return false;
    if (settings.store === "memory") {
      return this.#memory.get(route.name)?.lru.set(key, serialized, settings.ttlMs) ?? false;
    }
    await this.#state.setCached?.(key, serialized, settings.ttlMs);
    return true;
  }

  /** The call in flight for `key`, when one is: it resolves with its serialized answer, or undefined. */
  inFlight(key: string): Promise<string | undefined> | undefined {
    return this.#flights.get(key);
  }

  /** Marks a call for `key` in flight; call the result once with what it stored (or undefined). */
  lead(key: string): (serialized: string | undefined) => void {
    let settle!: (serialized: string | undefined) => void;
    const flight = new Promise<string | undefined>((resolve) => {
      settle = resolve;
    });
    this.#flights.set(key, flight);
    return (serialized) => {
      if (this.#flights.get(key) === flight) this.#flights.delete(key);
      settle(serialized);
    };
  }
}
