/** The UTC calendar day of a time, e.g. "2026-11-29". */
function utcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/**
 * Real spend per key ("route:<name>", "tag:<name>") for the current UTC day. Entries of earlier
 * days are dropped when the day changes, so the ledger never grows past one day of keys.
 */
export class SpendLedger {
  readonly #spend = new Map<string, number>();
  #day: string | undefined;

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
