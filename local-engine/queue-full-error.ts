import { EngineError } from "./engine-error.js";

/** Every slot is busy and `queueLimit` requests already wait. */
export class QueueFullError extends EngineError {
  readonly limit: number;

  constructor(limit: number, message: string) {
    super("QUEUE_FULL", message);
    this.name = "QueueFullError";
    this.limit = limit;
  }
}
