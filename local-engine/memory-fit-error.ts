import { EngineError } from "./engine-error.js";

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

/** What a model and its slots take in memory, by part. */
export interface MemoryEstimate {
  weightsBytes: number;
  kvBytes: number;
  kvBytesPerSlot: number;
  /** Activations, logits and llama.cpp's graph buffers: an upper-end estimate. */
  computeBytes: number;
  /** KV and compute buffers of the embedding context (0 when the engine opens none). */
  embeddingBytes: number;
  totalBytes: number;
}
