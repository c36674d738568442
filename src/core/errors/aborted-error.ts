import type { RouteTrace } from "../route-trace.js";
import type { Usage } from "../usage.js";
import { errorMarker, SwitchyardError } from "./switchyard-error.js";

const marker = errorMarker("AbortedError");

/** The caller aborted the call; the upstream request and every pending retry were cancelled. */
export class AbortedError extends SwitchyardError {
  readonly [marker] = true;
  readonly partialText: string;
  readonly usage: Usage;
  readonly trace: RouteTrace;

  constructor(options: { reason: unknown; partialText: string; usage: Usage; trace: RouteTrace }) {
    super(`Call on route "${options.trace.route}" was aborted by the caller`, { cause: options.reason });
    this.name = "AbortedError";
    this.partialText = options.partialText;
    this.usage = options.usage;
    this.trace = options.trace;
  }

  static override isInstance(error: unknown): error is AbortedError {
    return typeof error === "object" && error !== null && marker in error;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), partialText: this.partialText, route: this.trace };
  }
}
