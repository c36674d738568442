import { errorMarker, SwitchyardError } from "./switchyard-error.js";

const marker = errorMarker("QueueFullError");

/** A bounded admission queue (local engine or rate limiter) is full. */
export class QueueFullError extends SwitchyardError {
  readonly [marker] = true;
  readonly target: string;
  readonly limit: number;

  constructor(target: string, limit: number) {
    super(`${target}: admission queue is full (${limit} waiting)`);
    this.name = "QueueFullError";
    this.target = target;
    this.limit = limit;
  }

  static override isInstance(error: unknown): error is QueueFullError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
