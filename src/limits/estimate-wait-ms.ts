import type { RateLimits } from "../core/index.js";
import { rateWindowMs } from "./rate-window.js";

/** What a limiter knows about its load at one moment. */
export interface LimiterLoad {
  now: number;
  /** Admission is paused until then (a 429's retry-after). */
  pausedUntil: number;
  /** Callers waiting for admission. */
  waiting: number;
  /** Tokens reserved by the waiting callers. */
  waitingTokens: number;
  /** Admitted calls not yet released. */
  running: number;
  windowStartedAt: number;
  requestsUsed: number;
  tokensUsed: number;
  averageCallMs: number;
}

/**
 * How long a new call reserving `tokens` would wait, ms: the longest of the 429 pause, the rpm
 * and tpm windows it would have to wait for behind the callers already waiting, and the
 * concurrency queue at the average call length. An estimate for routing, not a promise.
 */
export function estimateWaitMs(load: LimiterLoad, limits: RateLimits, tokens: number): number {
  const untilRefill = Math.max(0, load.windowStartedAt + rateWindowMs - load.now);
  const windowsWait = (needed: number, used: number, perWindow: number): number => {
    const missing = needed - (perWindow - used);
    return missing <= 0 ? 0 : untilRefill + (Math.ceil(missing / perWindow) - 1) * rateWindowMs;
  };
  let wait = Math.max(0, load.pausedUntil - load.now);
  const { rpm, tpm, maxConcurrent } = limits;
  if (rpm !== undefined) wait = Math.max(wait, windowsWait(load.waiting + 1, load.requestsUsed, rpm));
  if (tpm !== undefined) {
    wait = Math.max(wait, windowsWait(load.waitingTokens + Math.min(tokens, tpm), load.tokensUsed, tpm));
  }
  if (maxConcurrent !== undefined) {
    const excess = load.running + load.waiting + 1 - maxConcurrent;
    if (excess > 0) wait = Math.max(wait, Math.ceil(excess / maxConcurrent) * load.averageCallMs);
  }
  return wait;
}
