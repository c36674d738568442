import {
  type EmbedOutput,
  type EngineCompletion,
  EngineError,
  type EngineInfo,
  type EngineMetrics,
  type GeneratedToken,
  type GpuChoice,
  type GpuDevice,
  type LocalEngineOptions,
  type MemoryEstimate,
  MemoryFitError,
  QueueFullError,
} from "../../../local-engine/index.js";
import type { ChatCountRequest, ChatGenerateRequest } from "../engine-handle.js";

/** What the parent sends, one message at a time (requests and cancels are rare next to tokens). */
export type ParentMessage =
  | { type: "load"; options: Omit<LocalEngineOptions, "onProgress"> }
  | { type: "generate"; id: number; request: Omit<ChatGenerateRequest, "signal"> }
  /** Count a prompt's tokens (answered with `counted` or `countFailed`); `cancel` stops it. */
  | { type: "count"; id: number; request: ChatCountRequest }
  /** Embed texts (answered with `embedded` or `embedFailed`); `cancel` drops the queued ones. */
  | { type: "embed"; id: number; values: string[] }
  | { type: "cancel"; id: number }
  | { type: "close" }
  /** Instead of a load: list the build's GPUs, answer, exit (the parent never binds CUDA itself). */
  | { type: "list-devices"; options: { gpu?: GpuChoice; libraryDir?: string } };

/**
 * What the child sends, as `ChildBatch`es: everything one tick of the child produced, so that IPC
 * carries one message per scheduler step rather than one per token.
 */
export type ChildMessage =
  | { type: "progress"; fraction: number }
  | { type: "ready"; info: EngineInfo }
  | { type: "loadFailed"; error: WireError }
  | { type: "accepted"; id: number }
  /** The request left the engine's queue for a slot. */
  | { type: "admitted"; id: number }
  | { type: "refused"; id: number; error: WireError }
  | { type: "tokens"; id: number; text: string; tokens: GeneratedToken[] }
  /** The completion without its text: the parent has it already, from the `tokens` messages. */
  | { type: "done"; id: number; completion: Omit<EngineCompletion, "text"> }
  | { type: "counted"; id: number; tokens: number }
  | { type: "countFailed"; id: number; error: WireError }
  /** Float32Arrays cross as they are: the channel uses the structured-clone ("advanced") serialization. */
  | { type: "embedded"; id: number; output: EmbedOutput }
  | { type: "embedFailed"; id: number; error: WireError }
  | { type: "metrics"; metrics: EngineMetrics }
  | { type: "devices"; devices: GpuDevice[] }
  | { type: "listFailed"; error: WireError }
  /** An uncaught error; the child exits non-zero right after. */
  | { type: "fatal"; message: string };

export type ChildBatch = ChildMessage[];

/** An engine error as plain data, with what its class needs to be rebuilt on the other side. */
export interface WireError {
  name: string;
  code: string;
  message: string;
  limit?: number;
  estimate?: MemoryEstimate;
  availableBytes?: number;
}

export function toWireError(error: unknown): WireError {
  const engineError = EngineError.from(error);
  return {
    name: engineError.name,
    code: engineError.code,
    message: engineError.message,
    ...(engineError instanceof QueueFullError ? { limit: engineError.limit } : {}),
    ...(engineError instanceof MemoryFitError
      ? { estimate: engineError.estimate, availableBytes: engineError.availableBytes }
      : {}),
  };
}

/** The same class as in the child, so a refusal reads the same as one from an in-process engine. */
export function fromWireError(wire: WireError): EngineError {
  if (wire.name === "QueueFullError") return new QueueFullError(wire.limit ?? 0, wire.message);
  if (wire.name === "MemoryFitError" && wire.estimate !== undefined) {
    return new MemoryFitError(wire.message, wire.estimate, wire.availableBytes ?? 0);
  }
  return new EngineError(wire.code, wire.message);
}
