const MS_PER_DAY = 86_400_000;

/** The UTC calendar day of a time, as days since 1970-01-01 (JavaScript time has no leap seconds). */
function utcDay(at: number): number {
  return Math.floor(at / MS_PER_DAY);
}

/**
 * Real spend per key ("route:<name>", "tag:<name>") for the current UTC day. Entries of earlier
 * days are dropped when the day changes, so the ledger never grows past one day of keys.
 */
export class SpendLedger {
  readonly #spend = new Map<string, number>();
  #day: number | undefined;

  add(keys: readonly string[], usd: number, at: number): void {
    this.#rollOver(at);
    for (const key of new Set(keys)) this.#spend.set(key, (this.#spend.get(key) ?? 0) + usd);
  }

  spentUsd(key: string, at: number): number {
    return utcDay(at) === this.#day ? (this.#spend.get(key) ?? 0) : 0;
  }

  #rollOver(at: number): void {
    const day = utcDay(at);
    if (day === this.#day) return;
    this.#day = day;
    this.#spend.clear();
  }
}
