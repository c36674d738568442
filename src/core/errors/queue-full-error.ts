import type { RouteTrace } from "../route-trace.js";
import { errorMarker, SwitchyardError } from "./switchyard-error.js";

const marker = errorMarker("QueueFullError");

/**
 * A bounded admission queue (local engine or rate limiter) is full, or so long that the request
 * waited its whole first-token timeout in it (`waitedMs`). The target is busy, not broken: its
 * breaker does not count it.
 */
export class QueueFullError extends SwitchyardError {
  readonly [marker] = true;
  readonly target: string;
  /** The queue's length limit; 0 where the router does not know it (a timeout in the queue). */
  readonly limit: number;
  /** Set when the request was queued and timed out there, rather than refused at the door. */
  readonly waitedMs: number | undefined;
  /** Set by the router when this error ends a call: every target that could serve it was busy. */
  trace: RouteTrace | undefined;

  constructor(target: string, limit: number, options: { waitedMs?: number } = {}) {
    super(
      options.waitedMs === undefined
        ? `${target}: admission queue is full (${limit} waiting)`
        : `${target}: no free slot within ${options.waitedMs} ms (the request waited in the admission queue)`,
    );
    this.name = "QueueFullError";
    this.target = target;
    this.limit = limit;
    this.waitedMs = options.waitedMs;
  }

  static override isInstance(error: unknown): error is QueueFullError {
    return typeof error === "object" && error !== null && marker in error;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      target: this.target,
      limit: this.limit,
      ...(this.waitedMs === undefined ? {} : { waitedMs: this.waitedMs }),
      ...(this.trace ? { route: this.trace } : {}),
    };
  }
}
