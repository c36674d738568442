/** The reason a hedge lane's signal aborts when the other lane produced the first token. */
export class HedgeCancelled extends Error {
  /** The target whose attempt answered first. */
  readonly winner: string;

  constructor(winner: string) {
    super(`cancelled: the hedged request to ${winner} answered first`);
    this.name = "HedgeCancelled";
    this.winner = winner;
  }
}
