import { QueueFullError } from "../core/index.js";
import { LimiterWaitError } from "./limiter-wait-error.js";

/** What both limiters (in-process and Redis-shared) know when a caller asks for admission. */
export interface AdmissionView {
  readonly target: string;
  readonly waiting: number;
  readonly maxQueue: number;
  readonly closed: boolean;
  /** Why it was closed: what a caller asking afterwards is rejected with. */
  readonly closedBy: unknown;
  expectedWaitMs(tokens: number): number;
}

/**
 * Why an `acquire` is refused before it queues, or undefined to queue it: the limiter is closed,
 * the signal already aborted, the weight is not a count, `maxQueue` callers already wait, or
 * `noWait` was asked and admission would wait (`expectedWaitMs` counts the callers queued ahead).
 */
export function admissionRefusal(
  limiter: AdmissionView,
  options: { weight?: number; signal?: AbortSignal; noWait?: boolean },
): unknown {
  const weight = options.weight ?? 0;
  if (limiter.closed) return limiter.closedBy ?? new Error(`${limiter.target}: the limiter is closed`);
  if (options.signal?.aborted) return options.signal.reason;
  if (!(Number.isFinite(weight) && weight >= 0)) {
    return new RangeError(`${limiter.target}: weight must be a finite number ≥ 0, got ${weight}`);
  }
  if (limiter.waiting >= limiter.maxQueue) return new QueueFullError(limiter.target, limiter.maxQueue);
  if (options.noWait) {
    const waitMs = limiter.expectedWaitMs(weight);
    if (waitMs > 0) return new LimiterWaitError(limiter.target, waitMs);
  }
  return undefined;
}
