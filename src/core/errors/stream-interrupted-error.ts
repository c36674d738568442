import type { RouteTrace } from "../route-trace.js";
import type { Usage } from "../usage.js";
import { errorMarker, SwitchyardError } from "./switchyard-error.js";

const marker = errorMarker("StreamInterruptedError");

/**
 * A stream failed after tokens reached the caller. It is not retried from scratch (that would
 * duplicate output and charges); the partial text and usage are kept here.
 */
export class StreamInterruptedError extends SwitchyardError {
  readonly [marker] = true;
  readonly partialText: string;
  readonly usage: Usage;
  readonly trace: RouteTrace;

  constructor(options: { partialText: string; usage: Usage; trace: RouteTrace; cause: SwitchyardError }) {
    super(
      `Stream from ${options.trace.attempts.at(-1)?.target ?? "a target"} was interrupted after ${options.partialText.length} characters: ${options.cause.message}`,
      { cause: options.cause },
    );
    this.name = "StreamInterruptedError";
    this.partialText = options.partialText;
    this.usage = options.usage;
    this.trace = options.trace;
  }

  static override isInstance(error: unknown): error is StreamInterruptedError {
    return typeof error === "object" && error !== null && marker in error;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      partialText: this.partialText,
      usage: this.usage,
      route: this.trace,
    };
  }
}
