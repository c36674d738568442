import { readFileSync } from "node:fs";
import { freemem } from "node:os";
import { type MemoryEstimate, MemoryFitError } from "./memory-fit-error.js";

export type { MemoryEstimate } from "./memory-fit-error.js";

import type { NativeModelMetadata } from "./native-addon.js";

export interface MemoryLayout {
  fileBytes: number;
  slots: number;
  contextPerSlot: number;
  batchSize: number;
  /** The embedding context's size in tokens (its `batchTokens`), 0 when there is none. */
  embeddingTokens: number;
}

const MiB = 1024 ** 2;

/** Weights (the file) + f16 K and V for every slot's context + compute buffers. */
export function estimateMemory(meta: NativeModelMetadata, layout: MemoryLayout): MemoryEstimate {
  const kvPerToken = meta.layers * meta.headsKv * (meta.keyLength + meta.valueLength) * 2;
  const kvBytesPerSlot = kvPerToken * layout.contextPerSlot;
  const kvBytes = kvBytesPerSlot * layout.slots;
  const activations = 4 * layout.batchSize * (3 * meta.embedding + 2 * meta.feedForward + meta.vocabSize);
  const attention = 4 * layout.batchSize * layout.contextPerSlot * meta.heads;
  const logits = 4 * meta.vocabSize * layout.slots;
  const computeBytes = activations + attention + logits + 16 * MiB;
  const embeddingBytes = embeddingContextBytes(meta, layout.embeddingTokens, kvPerToken);
  return {
    weightsBytes: layout.fileBytes,
    kvBytes,
    kvBytesPerSlot,
    computeBytes,
    embeddingBytes,
    totalBytes: layout.fileBytes + kvBytes + computeBytes + embeddingBytes,
  };
}

/** The embedding context: KV for its tokens, and one batch of them through the graph (every token an output). */
function embeddingContextBytes(meta: NativeModelMetadata, tokens: number, kvPerToken: number): number {
  if (tokens === 0) return 0;
  const activations = 4 * tokens * (3 * meta.embedding + 2 * meta.feedForward + meta.vocabSize);
  const attention = 4 * tokens * tokens * meta.heads;
  return kvPerToken * tokens + activations + attention + 16 * MiB;
}

export function formatBytes(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GiB` : `${(bytes / MiB).toFixed(1)} MiB`;
}

/** MemAvailable from /proc/meminfo (page cache counts as free), else what Node reports. */
export function availableRamBytes(): number {
  try {
    const match = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync("/proc/meminfo", "utf8"));
    if (match?.[1] !== undefined) return Number(match[1]) * 1024;
  } catch {
    // not Linux
  }
  return freemem();
}

/** Throws MemoryFitError naming both numbers when the estimate exceeds what is available. */
export function checkMemoryFit(
  estimate: MemoryEstimate,
  availableBytes: number,
  where: "RAM" | "VRAM",
): void {
  if (estimate.totalBytes <= availableBytes) return;
  const parts = `weights ${formatBytes(estimate.weightsBytes)} + KV ${formatBytes(estimate.kvBytes)} + compute ${formatBytes(estimate.computeBytes)}${estimate.embeddingBytes > 0 ? ` + embedding context ${formatBytes(estimate.embeddingBytes)}` : ""}`;
  throw new MemoryFitError(
    `model needs ${formatBytes(estimate.totalBytes)} (${parts}) but only ${formatBytes(availableBytes)} ${where} is available`,
    estimate,
    availableBytes,
  );
}
