import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { EngineError } from "./engine-error.js";
import type { StepPhaseMicros } from "./types.js";

export interface NativeDevice {
  name: string;
  description: string;
  type: "cpu" | "gpu" | "igpu" | "accel";
  freeBytes: number;
  totalBytes: number;
}

export interface NativeModelMetadata {
  architecture: string;
  name: string;
  chatTemplate: string;
  layers: number;
  embedding: number;
  feedForward: number;
  heads: number;
  headsKv: number;
  keyLength: number;
  valueLength: number;
  contextLength: number;
  vocabSize: number;
  /** `<arch>.pooling_type` (llama.cpp's enum: 1 mean, 2 cls, 3 last, 4 rank), -1 when the file names none. */
  poolingType: number;
}

export interface NativeEngineOptions {
  modelPath: string;
  slots: number;
  contextPerSlot: number;
  threads: number;
  queueLimit: number;
  prefillChunk: number;
  gpuLayers: number;
  /** Position in `devices()` of the GPU that holds everything; -1: llama.cpp's placement (the CPU). */
  gpuDevice: number;
  kvUnified: boolean;
  samplingThreads: number;
  logitsPerSamplingThread: number;
  embeddings: {
    mode: "auto" | "on" | "off";
    pooling?: "mean" | "cls" | "last";
    batchTokens: number;
    sequences: number;
    queueLimit: number;
    threads: number;
  };
}

export interface NativeEmbeddingInfo {
  dimensions: number;
  pooling: "mean" | "cls" | "last";
  maxTokens: number;
  batchTokens: number;
  sequences: number;
  maxInputBytes: number;
}

/** One text's outcome: a unit vector, or a code (ABORTED, CLOSED, DECODE) and why. */
export interface NativeEmbedResult {
  id: number;
  tokens: number;
  queuedMs: number;
  decodeMs: number;
  vector?: Float32Array;
  code?: string;
  error?: string;
}

export interface NativeReadyInfo {
  slots: number;
  contextPerSlot: number;
  trainContext: number;
  vocabSize: number;
  batchSize: number;
  modelBytes: number;
  chatTemplate: string;
  bos: number;
  eos: number;
  eogTokens: number[];
}

export interface NativeFinish {
  reason: "stop" | "length" | "abort" | "error";
  promptTokens: number;
  completionTokens: number;
  cachedPromptTokens: number;
  queuedMs: number;
  ttftMs: number;
  prefillTokensPerSec: number;
  decodeTokensPerSec: number;
  error?: string;
}

export interface NativeToken {
  id: number;
  text: string;
  logprob?: number;
  top?: { id: number; text: string; logprob: number }[];
}

/** One request's share of one step. */
export interface NativeUpdate {
  id: number;
  text: string;
  tokens: NativeToken[];
  /** The request left the queue for a slot in this step. */
  admitted?: boolean;
  finish?: NativeFinish;
  capturedLogits?: Float32Array;
  capturedNormalizer?: number;
}

export type NativeEvent =
  | { kind: "progress"; payload: number }
  | { kind: "ready"; payload: NativeReadyInfo }
  | { kind: "loadFailed"; payload: string }
  | { kind: "step"; payload: NativeUpdate[] }
  | { kind: "closed"; payload: undefined };

export interface NativeSubmitParams {
  maxTokens: number;
  temperature?: number;
  topK?: number;
  topP?: number;
  minP?: number;
  seed?: number;
  repeatPenalty?: number;
  stop?: readonly string[];
  grammar?: string;
  logprobs?: number;
  priority?: number;
  captureLogits?: boolean;
  /** Generated control tokens count as their text. */
  renderSpecialTokens?: boolean;
}

export interface NativeEngine {
  submit(id: number, prompt: string | Int32Array, params: NativeSubmitParams): number;
  cancel(id: number): void;
  tokenize(text: string, addSpecial: boolean, parseSpecial: boolean): Int32Array;
  detokenize(tokens: Int32Array, renderSpecial: boolean): string;
  applyChatTemplate(
    template: string,
    messages: { role: string; content: string }[],
    addAssistant: boolean,
  ): string | null;
  metrics(): {
    queueDepth: number;
    busySlots: number;
    steps: number;
    multiSlotSteps: number;
    batchTokens: number;
    generatedTokens: number;
    prefillTokens: number;
    decodeTokensPerSec: number;
    gapFillers: number;
    samplingWakeups: number;
    phaseMicros: StepPhaseMicros;
    phaseSteps: number;
  };
  /** Queues one text for the embedding thread; returns its token count. */
  embed(id: number, text: string): number;
  cancelEmbed(id: number): void;
  embeddingInfo(): NativeEmbeddingInfo | null;
  close(): Promise<void>;
}

export interface NativeAddon {
  bindLibrary(libraryPath: string, probePath: string, backendDir: string): string;
  /** The library this process is bound to, or "". */
  boundLibrary(): string;
  devices(): NativeDevice[];
  readModelMetadata(path: string): NativeModelMetadata;
  threadHandoffMicros(budgetMillis: number): number;
  Engine: new (
    options: NativeEngineOptions,
    onEvent: (kind: NativeEvent["kind"], payload: unknown) => void,
    onEmbeddings?: (results: NativeEmbedResult[]) => void,
  ) => NativeEngine;
}

const require = createRequire(import.meta.url);
let loaded: NativeAddon | undefined;

/** Build folders to look in: next to the sources, and from the compiled dist/local-engine. */
function candidatePaths(): string[] {
  const build = process.env.SWITCHYARD_NATIVE_DEBUG === "1" ? "Debug" : "Release";
  const here = dirname(fileURLToPath(import.meta.url));
  const override = process.env.SWITCHYARD_NATIVE_ADDON;
  return [
    ...(override ? [override] : []),
    join(here, "native", "build", build, "switchyard_llama.node"),
    join(here, "..", "..", "local-engine", "native", "build", build, "switchyard_llama.node"),
  ];
}

/** The compiled addon (`npx switchyard engine build`, in the repository `npm ci`), loaded once. */
export function loadNativeAddon(): NativeAddon {
  if (loaded) return loaded;
  const candidates = candidatePaths();
  const path = candidates.find((candidate) => existsSync(candidate));
  if (!path) {
    throw new EngineError(
      "ADDON_MISSING",
      `the local engine addon is not built (looked for ${candidates.join(", ")}); run \`npx switchyard engine build\` (node-llama-cpp@3.21.1 installed first)`,
    );
  }
  loaded = require(path) as NativeAddon;
  return loaded;
}
