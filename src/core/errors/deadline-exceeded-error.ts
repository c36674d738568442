import type { RouteTrace } from "../route-trace.js";
import { errorMarker, SwitchyardError } from "./switchyard-error.js";

const marker = errorMarker("DeadlineExceededError");

/** The call's deadline, shared by every retry and fallback, passed before an answer arrived. */
export class DeadlineExceededError extends SwitchyardError {
  readonly [marker] = true;
  readonly timeoutMs: number;
  readonly trace: RouteTrace;

  constructor(timeoutMs: number, trace: RouteTrace, cause?: unknown) {
    super(`Call on route "${trace.route}" exceeded its ${timeoutMs} ms deadline`, { cause });
    this.name = "DeadlineExceededError";
    this.timeoutMs = timeoutMs;
    this.trace = trace;
  }

  static override isInstance(error: unknown): error is DeadlineExceededError {
    return typeof error === "object" && error !== null && marker in error;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), timeoutMs: this.timeoutMs, route: this.trace };
  }
}
