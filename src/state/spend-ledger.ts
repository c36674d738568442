import type { DailyLimit, SpendHoldResult, SpendToday, SpendTokens, SpendTotals } from "../core/index.js";

const MS_PER_DAY = 86_400_000;

/** The UTC calendar day of a time, as days since 1970-01-01 (JavaScript time has no leap seconds). */
function utcDay(at: number): number {
  return Math.floor(at / MS_PER_DAY);
}

/** The UTC calendar day of a time, `YYYY-MM-DD`. */
export function utcDate(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

interface Hold {
  keys: readonly string[];
  usd: number;
  expiresAt: number;
}

/** What attempts in flight hold on one key. */
interface Held {
  usd: number;
  holds: number;
}

/**
 * Real spend per spend key for the current UTC day, and the estimates that attempts in flight
 * hold against daily limits. Entries of earlier days are dropped when the day changes, so the
 * ledger never grows past one day of keys. Holds do not belong to a day: an attempt held before
 * midnight counts until its cost is recorded, on the day it is recorded.
 *
 * Holding is synchronous, so within one process a check and its hold cannot interleave with
 * another call's: concurrent attempts can never pass the same limit together.
 */
export class SpendLedger {
  readonly #spend = new Map<string, number>();
  /** Tokens recorded with the spend, by key, today. */
  readonly #tokens = new Map<string, SpendTokens>();
  readonly #held = new Map<string, Held>();
  readonly #holds = new Set<Hold>();
  /** The earliest expiry among the holds, so lapsed holds are looked for only when one is due. */
  #nextExpiry = Number.POSITIVE_INFINITY;
  #day: number | undefined;

  add(keys: readonly string[], usd: number, at: number, tokens?: SpendTokens): void {
    this.#rollOver(at);
    for (const key of new Set(keys)) {
      this.#spend.set(key, (this.#spend.get(key) ?? 0) + usd);
      if (!tokens) continue;
      const counted = this.#tokens.get(key) ?? { inputTokens: 0, outputTokens: 0 };
      counted.inputTokens += tokens.inputTokens;
      counted.outputTokens += tokens.outputTokens;
      this.#tokens.set(key, counted);
    }
  }

  /** Every key's real spend and tokens on the UTC day of `at` (holds not included). */
  today(at: number): SpendToday {
    const keys = new Map<string, SpendTotals>();
    if (utcDay(at) === this.#day) {
      for (const [key, costUsd] of this.#spend) {
        const tokens = this.#tokens.get(key);
        keys.set(key, {
          costUsd,
          inputTokens: tokens?.inputTokens ?? 0,
          outputTokens: tokens?.outputTokens ?? 0,
        });
      }
    }
    return { day: utcDate(at), keys };
  }

  /** Spent today plus held by attempts in flight. */
  usedUsd(key: string, at: number): number {
    this.#lapse(at);
    const spent = utcDay(at) === this.#day ? (this.#spend.get(key) ?? 0) : 0;
    return spent + (this.#held.get(key)?.usd ?? 0);
  }

  /** Holds `usd` against every limit, or refuses naming the first one it would break. */
  hold(limits: readonly DailyLimit[], usd: number, at: number, ttlMs: number): SpendHoldResult {
    const keys = [...new Set(limits.map((limit) => limit.key))];
    if (keys.length === 0 || usd <= 0) return { ok: true, release: async () => undefined };
    for (const limit of limits) {
      const spentUsd = this.usedUsd(limit.key, at);
      if (spentUsd + usd > limit.limitUsd) {
        return { ok: false, key: limit.key, limitUsd: limit.limitUsd, spentUsd };
      }
    }
    const hold: Hold = { keys, usd, expiresAt: at + ttlMs };
    this.#holds.add(hold);
    this.#nextExpiry = Math.min(this.#nextExpiry, hold.expiresAt);
    for (const key of keys) {
      const held = this.#held.get(key) ?? { usd: 0, holds: 0 };
      held.usd += usd;
      held.holds += 1;
      this.#held.set(key, held);
    }
    return {
      ok: true,
      release: async () => {
        this.#release(hold);
      },
    };
  }

  #release(hold: Hold): void {
    if (!this.#holds.delete(hold)) return;
    for (const key of hold.keys) {
      const held = this.#held.get(key);
      if (!held) continue;
      held.holds -= 1;
      held.usd -= hold.usd;
      // The last hold of a key gives back exactly what was held: no float residue accumulates.
      if (held.holds === 0) this.#held.delete(key);
    }
  }

  /** Drops holds whose ttl passed (their call never released them). */
  #lapse(at: number): void {
    if (at < this.#nextExpiry) return;
    let next = Number.POSITIVE_INFINITY;
    for (const hold of this.#holds) {
      if (hold.expiresAt <= at) this.#release(hold);
      else next = Math.min(next, hold.expiresAt);
    }
    this.#nextExpiry = next;
  }

  #rollOver(at: number): void {
    const day = utcDay(at);
    if (day === this.#day) return;
    this.#day = day;
    this.#spend.clear();
    this.#tokens.clear();
  }
}
