/** The reason an attempt's own signal aborted, so the router can tell timeouts from caller aborts. */
export class TimeoutReason extends Error {
  readonly phase: "first-token" | "idle" | "cancelled";
  readonly ms: number;
  /** The request still waited in the provider's own queue when the timer fired. */
  readonly queued: boolean;

  constructor(phase: TimeoutReason["phase"], ms: number, queued = false) {
    super(`${phase} timeout after ${ms} ms`);
    this.name = "TimeoutReason";
    this.phase = phase;
    this.ms = ms;
    this.queued = queued;
  }
}
