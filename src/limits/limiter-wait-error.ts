/**
 * A limiter asked with `noWait` would have queued the call: the target is over its rpm, tpm or
 * concurrency (here or, with Redis, on other replicas) while another target can take the call
 * now. The router moves on at once; the caller never sees this error.
 */
export class LimiterWaitError extends Error {
  constructor(
    readonly target: string,
    /** About how long admission would have taken, ms. */
    readonly waitMs: number,
  ) {
    super(`${target}: over its rate limits, admission would wait ~${Math.round(waitMs)} ms`);
    this.name = "LimiterWaitError";
  }
}
