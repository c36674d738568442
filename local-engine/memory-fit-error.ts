import { EngineError } from "./engine-error.js";
import type { MemoryEstimate } from "./memory-fit.js";

/** The model would not fit: nothing was loaded. */
export class MemoryFitError extends EngineError {
  readonly estimate: MemoryEstimate;
  readonly availableBytes: number;

  constructor(message: string, estimate: MemoryEstimate, availableBytes: number) {
    super("MEMORY_FIT", message);
    this.name = "MemoryFitError";
    this.estimate = estimate;
    this.availableBytes = availableBytes;
  }
}
