import type { LatencyStats } from "../core/index.js";
import { decayFactor } from "./decay-factor.js";
import { DecayingAverage } from "./decaying-average.js";
import { DecayingHistogram } from "./decaying-histogram.js";
import type { LatencyPrior } from "./latency-prior.js";

/**
 * Latency of one target from its successful calls. Reported figures drift back to the prior
 * as they age: a target that was slow and then stopped getting traffic is not judged by its
 * worst minute forever, so the latency policy lets it be tried again.
 */
export class TargetLatency {
  readonly #halfLifeMs: number;
  readonly #ttft: DecayingAverage;
  readonly #ttftSketch: DecayingHistogram;
  readonly #outputSpeed: DecayingAverage;
  #updatedAt = 0;

  constructor(halfLifeMs: number) {
    this.#halfLifeMs = halfLifeMs;
    this.#ttft = new DecayingAverage(halfLifeMs);
    this.#ttftSketch = new DecayingHistogram(halfLifeMs);
    this.#outputSpeed = new DecayingAverage(halfLifeMs);
  }

  /** `outputTokensPerSec` is absent when the call produced too few tokens to time. */
  record(at: number, ttftMs: number, outputTokensPerSec: number | undefined): void {
    this.#ttft.add(ttftMs, at);
    this.#ttftSketch.add(ttftMs, at);
    if (outputTokensPerSec !== undefined) this.#outputSpeed.add(outputTokensPerSec, at);
    this.#updatedAt = Math.max(this.#updatedAt, at);
  }

  stats(now: number, prior: LatencyPrior): LatencyStats {
    const freshness = decayFactor(now - this.#updatedAt, this.#halfLifeMs);
    const towardsPrior = (value: number | undefined, priorValue: number): number =>
      value === undefined ? priorValue : priorValue + (value - priorValue) * freshness;
    return {
      ttftMs: towardsPrior(this.#ttft.mean, prior.ttftMs),
      ttftP95Ms: towardsPrior(this.#ttftSketch.quantile(0.95), prior.ttftMs),
      outputTokensPerSec: towardsPrior(this.#outputSpeed.mean, prior.outputTokensPerSec),
      samples: this.#ttft.weightAt(now),
      updatedAt: this.#updatedAt,
    };
  }
}
