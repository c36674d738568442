import { decayFactor } from "./decay-factor.js";

/**
 * A mean whose samples lose weight with elapsed time rather than with sample count, so a burst
 * of calls in one millisecond is averaged evenly and a sample after a long silence dominates.
 */
export class DecayingAverage {
  readonly #halfLifeMs: number;
  #sum = 0;
  #weight = 0;
  #updatedAt = Number.NEGATIVE_INFINITY;

  constructor(halfLifeMs: number) {
    this.#halfLifeMs = halfLifeMs;
  }

  add(value: number, at: number): void {
    const decay = this.#weight === 0 ? 0 : decayFactor(at - this.#updatedAt, this.#halfLifeMs);
    this.#sum = this.#sum * decay + value;
    this.#weight = this.#weight * decay + 1;
    this.#updatedAt = Math.max(this.#updatedAt, at);
  }

  /** The weighted mean, or undefined before the first sample. */
  get mean(): number | undefined {
    return this.#weight === 0 ? undefined : this.#sum / this.#weight;
  }

  /** Total sample weight as of `now` (1 = one fresh sample). */
  weightAt(now: number): number {
    return this.#weight * decayFactor(now - this.#updatedAt, this.#halfLifeMs);
  }
}
