import type { StateStore } from "../../core/index.js";

/** A daily limit on one spend key ("route:<name>", "tag:<name>"). */
export interface DailyLimit {
  key: string;
  limitUsd: number;
}

export type SpendHoldResult =
  | {
      ok: true /** Gives the hold back; call it once the attempt's real cost is recorded. */;
      release(): Promise<void>;
    }
  /** The hold would break `key`'s limit: `spentUsd` is spent plus held by calls in flight. */
  | { ok: false; key: string; limitUsd: number; spentUsd: number };

/**
 * A store that can hold an attempt's estimated cost against daily limits before it is sent, so
 * that concurrent calls (on any replica) cannot all pass the check and overspend together.
 * Not part of `StateStore` (src/core), which only records spend after the fact.
 */
export interface SpendHolds {
  /**
   * Holds `usd` against every limit at once, or refuses naming the first limit it would break.
   * The hold lapses by itself after `ttlMs` (a replica that dies mid-call).
   */
  holdSpend(limits: readonly DailyLimit[], usd: number, ttlMs: number): Promise<SpendHoldResult>;
}

export function canHoldSpend(store: StateStore): store is StateStore & SpendHolds {
  return typeof (store as Partial<SpendHolds>).holdSpend === "function";
}
