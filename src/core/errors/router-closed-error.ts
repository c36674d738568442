import type { RouteTrace } from "../route-trace.js";
import type { Usage } from "../usage.js";
import { errorMarker, SwitchyardError } from "./switchyard-error.js";

const marker = errorMarker("RouterClosedError");

/**
 * `router.close()` was called: a call that was in flight was stopped (its upstream request and
 * every pending retry, hedge and fallback cancelled; `trace`, `partialText` and `usage` say what it
 * had done), or a call, stream, explain or reload came after it.
 */
export class RouterClosedError extends SwitchyardError {
  readonly [marker] = true;
  readonly partialText: string;
  readonly usage: Usage;
  /** Absent for a call made after `close()`: it never started. */
  readonly trace: RouteTrace | undefined;

  constructor(options: { partialText?: string; usage?: Usage; trace?: RouteTrace } = {}) {
    super(
      options.trace
        ? `Call on route "${options.trace.route}" was stopped because the router was closed`
        : "The router is closed: create a new router to send more calls",
    );
    this.name = "RouterClosedError";
    this.partialText = options.partialText ?? "";
    this.usage = options.usage ?? { inputTokens: 0, outputTokens: 0 };
    this.trace = options.trace;
  }

  static override isInstance(error: unknown): error is RouterClosedError {
    return typeof error === "object" && error !== null && marker in error;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      partialText: this.partialText,
      ...(this.trace ? { route: this.trace } : {}),
    };
  }
}
