import { statSync } from "node:fs";
import { physicalCores } from "./cpu-cores.js";
import { EngineError } from "./engine-error.js";
import { type BoundLibrary, bindLlamaLibrary } from "./llama-library.js";
import { availableRamBytes, checkMemoryFit, estimateMemory, type MemoryEstimate } from "./memory-fit.js";
import type { NativeAddon, NativeEngineOptions, NativeModelMetadata } from "./native-addon.js";
import type { LocalEngineOptions } from "./types.js";

export interface LoadPlan {
  library: BoundLibrary;
  metadata: NativeModelMetadata;
  native: NativeEngineOptions;
  estimate: MemoryEstimate;
  threadHandoffMicros: number;
}

/** A spin hand-off slower than this means the cores are not really simultaneous (time-sliced vCPUs). */
const SLOW_HANDOFF_MICROS = 2;
let measuredHandoff: number | undefined;

/** The addon stores these as 32-bit integers. */
const INT32_MAX = 2 ** 31 - 1;

/**
 * `value` (or `fallback` when unset) checked against the bounds the addon enforces, so a bad option
 * is refused here with its name rather than by the addon with a list of every option.
 */
function positiveInteger(
  value: number | undefined,
  name: string,
  fallback: number,
  bounds: { min?: number; max?: number } = {},
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new EngineError("INVALID_ARGUMENT", `${name} must be a positive integer, got ${value}`);
  }
  const { min = 1, max = INT32_MAX } = bounds;
  if (value < min || value > max) {
    throw new EngineError("INVALID_ARGUMENT", `${name} must be from ${min} to ${max}, got ${value}`);
  }
  return value;
}

/** More sampling threads than this only add wake-ups: 64 rows of 128k logits take ~0.2 ms on 8. */
const MAX_SAMPLING_THREADS = 8;
/**
 * 8 rows of a 32k vocabulary (~40 µs on one thread) before another thread is woken. The same as the
 * addon's kLogitsPerSamplingThread (native/src/slot_workers.h, with the measurements).
 */
const LOGITS_PER_SAMPLING_THREAD = 8 * 32768;

function chooseThreads(
  addon: NativeAddon,
  requested: number | undefined,
  onGpu: boolean,
): { threads: number; handoff: number } {
  if (requested !== undefined) {
    return { threads: positiveInteger(requested, "threads", 1, { max: 1024 }), handoff: 0 };
  }
  // Fully offloaded, llama.cpp's CPU work is gathering embedding rows: more threads only spin.
  if (onGpu) return { threads: 1, handoff: 0 };
  // One core stays free for the JavaScript thread that takes each step's tokens (and whatever else
  // the process runs): ggml's workers spin in a barrier, and when one of them loses its core the
  // whole step waits for it. On 2 busy cores, 2 threads turned 12 s rounds of 80 requests into 39 s
  // ones with first-token timeouts (test/faults/local-engine-load.test.ts has the scenario).
  const threads = physicalCores() - 1;
  if (threads < 2) return { threads: 1, handoff: 0 };
  measuredHandoff ??= addon.threadHandoffMicros(20);
  const handoff = measuredHandoff;
  return { threads: handoff > SLOW_HANDOFF_MICROS ? 1 : threads, handoff };
}

/**
 * Everything decided before a byte of weights is read: the llama.cpp build, the model's shape from
 * its GGUF header, slots, context, threads, and whether it all fits (throws MemoryFitError if not).
 */
export function planLoad(addon: NativeAddon, options: LocalEngineOptions): LoadPlan {
  const library = bindLlamaLibrary(addon, {
    gpu: options.gpu ?? "auto",
    libraryDir: options.libraryDir,
    device: options.device,
  });
  let metadata: NativeModelMetadata;
  let fileBytes: number;
  try {
    fileBytes = statSync(options.modelPath).size;
    metadata = addon.readModelMetadata(options.modelPath);
  } catch (error) {
    throw new EngineError(
      "MODEL_LOAD",
      `cannot read ${options.modelPath}: ${EngineError.from(error).message}`,
      {
        cause: error,
      },
    );
  }
  const slots = positiveInteger(options.slots, "slots", 4, { max: 256 });
  const trained = metadata.contextLength > 0 ? metadata.contextLength : 2048;
  const contextPerSlot = positiveInteger(options.contextPerSlot, "contextPerSlot", Math.min(2048, trained), {
    min: 16,
    max: 2 ** 20,
  });
  const prefillChunk = positiveInteger(options.prefillChunk, "prefillChunk", 256, { max: 2 ** 16 });
  const queueLimit = options.queueLimit ?? 64;
  if (!Number.isInteger(queueLimit) || queueLimit < 0 || queueLimit > INT32_MAX) {
    throw new EngineError(
      "INVALID_ARGUMENT",
      `queueLimit must be an integer from 0 to ${INT32_MAX}, got ${queueLimit}`,
    );
  }
  const onGpu = library.backend !== "cpu";
  const { threads, handoff } = chooseThreads(addon, options.threads, onGpu);
  const samplingThreads = positiveInteger(
    options.samplingThreads,
    "samplingThreads",
    onGpu ? Math.min(MAX_SAMPLING_THREADS, physicalCores()) : 1,
    { max: 256 },
  );
  const logitsPerSamplingThread = positiveInteger(
    options.logitsPerSamplingThread,
    "logitsPerSamplingThread",
    LOGITS_PER_SAMPLING_THREAD,
  );
  const embeddings = planEmbeddings(options, threads);
  const estimate = estimateMemory(metadata, {
    fileBytes,
    slots,
    contextPerSlot,
    batchSize: prefillChunk + slots,
    embeddingTokens: opensEmbeddingContext(embeddings.mode, metadata.poolingType)
      ? embeddings.batchTokens
      : 0,
  });
  const available = options.availableMemoryBytes ?? (onGpu ? library.device.freeBytes : availableRamBytes());
  checkMemoryFit(estimate, available, onGpu ? "VRAM" : "RAM");
  return {
    library,
    metadata,
    estimate,
    threadHandoffMicros: handoff,
    native: {
      modelPath: options.modelPath,
      slots,
      contextPerSlot,
      threads,
      queueLimit,
      prefillChunk,
      gpuLayers: onGpu ? -1 : 0,
      gpuDevice: onGpu && library.gpu !== undefined ? library.gpu.registryIndex : -1,
      kvUnified: options.kvUnified ?? false,
      samplingThreads,
      logitsPerSamplingThread,
      embeddings,
    },
  };
}

/** As the addon decides (native/src/embedder.cpp): auto opens one for mean, cls or last pooling only. */
function opensEmbeddingContext(
  mode: NativeEngineOptions["embeddings"]["mode"],
  poolingType: number,
): boolean {
  if (mode === "off") return false;
  return mode === "on" || (poolingType >= 1 && poolingType <= 3);
}

function planEmbeddings(options: LocalEngineOptions, threads: number): NativeEngineOptions["embeddings"] {
  const requested = options.embeddings ?? {};
  const mode = requested.mode ?? "auto";
  if (mode !== "auto" && mode !== "on" && mode !== "off") {
    throw new EngineError("INVALID_ARGUMENT", `embeddings.mode must be auto, on or off, got ${String(mode)}`);
  }
  const pooling = requested.pooling;
  if (pooling !== undefined && pooling !== "mean" && pooling !== "cls" && pooling !== "last") {
    throw new EngineError(
      "INVALID_ARGUMENT",
      `embeddings.pooling must be mean, cls or last, got ${String(pooling)}`,
    );
  }
  const queueLimit = requested.queueLimit ?? 1024;
  if (!Number.isInteger(queueLimit) || queueLimit < 0 || queueLimit > 2 ** 24) {
    throw new EngineError(
      "INVALID_ARGUMENT",
      `embeddings.queueLimit must be an integer from 0 to ${2 ** 24}, got ${queueLimit}`,
    );
  }
  return {
    mode,
    ...(pooling !== undefined ? { pooling } : {}),
    batchTokens: positiveInteger(requested.batchTokens, "embeddings.batchTokens", 2048, {
      min: 16,
      max: 2 ** 20,
    }),
    sequences: positiveInteger(requested.sequences, "embeddings.sequences", 16, { max: 256 }),
    queueLimit,
    threads,
  };
}
