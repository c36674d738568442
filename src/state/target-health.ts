import type { BreakerState, HealthState } from "../core/index.js";
import type { BreakerOptions, EjectionOptions } from "./health-options.js";
import { SlidingWindowCounter } from "./sliding-window-counter.js";

/**
 * Circuit breaker and outlier ejection of one target, driven by attempt results and their times.
 *
 * Breaker: closed → open when at least `minCalls` calls in the window failed at `failureRatio` or
 * more (or at once on an exhausted quota); open → half-open after `openMs`; the first result in
 * half-open closes it (success) or opens it again (failure). Results of calls that were already in
 * flight when it opened do not move it.
 *
 * Ejection: `consecutiveFailures` in a row eject the target for `baseMs` × (ejections in a row); a
 * success after the ejection ends resets the streak. Results arriving during an ejection are
 * stragglers from before it and are ignored.
 */
export class TargetHealth {
  readonly #breakerOptions: BreakerOptions;
  readonly #ejectionOptions: EjectionOptions;
  readonly #window: SlidingWindowCounter;
  #open = false;
  #openedAt: number | undefined;
  #consecutiveFailures = 0;
  #ejections = 0;
  #ejectedUntil: number | undefined;

  constructor(breaker: BreakerOptions, ejection: EjectionOptions) {
    this.#breakerOptions = breaker;
    this.#ejectionOptions = ejection;
    this.#window = new SlidingWindowCounter(breaker.windowMs);
  }

  record(at: number, failed: boolean, opensBreaker: boolean): void {
    this.#recordBreaker(at, failed, opensBreaker);
    this.#recordEjection(at, failed);
  }

  state(now: number): HealthState {
    const counts = this.#window.counts(now);
    return {
      breaker: this.#breakerAt(now),
      ...(this.#ejectedUntil !== undefined && now < this.#ejectedUntil
        ? { ejectedUntil: this.#ejectedUntil }
        : {}),
      consecutiveFailures: this.#consecutiveFailures,
      ejections: this.#ejections,
      windowCalls: counts.calls,
      windowFailures: counts.failures,
      ...(this.#openedAt === undefined ? {} : { openedAt: this.#openedAt }),
    };
  }

  #breakerAt(now: number): BreakerState {
    if (!this.#open) return "closed";
    return now >= (this.#openedAt ?? 0) + this.#breakerOptions.openMs ? "half-open" : "open";
  }

  #recordBreaker(at: number, failed: boolean, opensBreaker: boolean): void {
    const state = this.#breakerAt(at);
    if (state === "open") return;
    if (state === "half-open") {
      if (failed) this.#openBreaker(at);
      else this.#closeBreaker();
      return;
    }
    if (failed && opensBreaker) {
      this.#openBreaker(at);
      return;
    }
    this.#window.add(at, failed);
    if (!failed) return;
    const { calls, failures } = this.#window.counts(at);
    if (calls >= this.#breakerOptions.minCalls && failures / calls >= this.#breakerOptions.failureRatio) {
      this.#openBreaker(at);
    }
  }

  #openBreaker(at: number): void {
    this.#open = true;
    this.#openedAt = at;
    this.#window.reset();
  }

  #closeBreaker(): void {
    this.#open = false;
    this.#openedAt = undefined;
    this.#window.reset();
  }

  #recordEjection(at: number, failed: boolean): void {
    if (this.#ejectedUntil !== undefined && at < this.#ejectedUntil) return;
    if (!failed) {
      this.#consecutiveFailures = 0;
      this.#ejections = 0;
      return;
    }
    this.#consecutiveFailures += 1;
    if (this.#consecutiveFailures < this.#ejectionOptions.consecutiveFailures) return;
    this.#ejections += 1;
    this.#consecutiveFailures = 0;
    const lengthMs = Math.min(this.#ejectionOptions.baseMs * this.#ejections, this.#ejectionOptions.maxMs);
    this.#ejectedUntil = at + lengthMs;
  }
}
