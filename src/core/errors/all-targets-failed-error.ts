import type { RouteTrace } from "../route-trace.js";
import { errorMarker, SwitchyardError } from "./switchyard-error.js";

const marker = errorMarker("AllTargetsFailedError");

/** Every candidate was tried and failed; `errors` holds each attempt's error in order. */
export class AllTargetsFailedError extends SwitchyardError {
  readonly [marker] = true;
  readonly errors: SwitchyardError[];
  readonly trace: RouteTrace;

  constructor(trace: RouteTrace, errors: SwitchyardError[]) {
    const summary = trace.attempts
      .map((attempt) => `${attempt.target} ${attempt.errorKind ?? attempt.outcome}`)
      .join(", ");
    super(`All targets of route "${trace.route}" failed (${summary})`, { cause: errors.at(-1) });
    this.name = "AllTargetsFailedError";
    this.errors = errors;
    this.trace = trace;
  }

  static override isInstance(error: unknown): error is AllTargetsFailedError {
    return typeof error === "object" && error !== null && marker in error;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      errors: this.errors.map((error) => error.toJSON()),
      route: this.trace,
    };
  }
}
