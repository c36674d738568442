/** The reason an attempt's own signal aborted, so the router can tell timeouts from caller aborts. */
export class TimeoutReason extends Error {
  readonly phase: "first-token" | "idle" | "cancelled";
  readonly ms: number;

  constructor(phase: TimeoutReason["phase"], ms: number) {
    super(`${phase} timeout after ${ms} ms`);
    this.name = "TimeoutReason";
    this.phase = phase;
    this.ms = ms;
  }
}
