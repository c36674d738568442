import type { JsonSchemaNode } from "./json-schema-grammar.js";

/** Which llama.cpp build runs the model. `auto`: CUDA if it loads, else Vulkan, else CPU. */
export type GpuChoice = "auto" | "cpu" | "cuda" | "vulkan";

export type EngineBackend = "cpu" | "cuda" | "vulkan";

export interface LocalEngineOptions {
  /** A GGUF model file. */
  modelPath: string;
  /** @default "auto" */
  gpu?: GpuChoice;
  /** Sequences decoded together; each keeps its own KV cache. @default 4 */
  slots?: number;
  /**
   * CPU threads for llama.cpp. @default on a GPU 1 (the model is fully offloaded: the CPU only
   * gathers embedding rows); on the CPU the number of physical cores less one (kept for the
   * JavaScript thread), at least 1, and 1 where a spin hand-off between two threads is slow
   * (time-sliced vCPUs: see `threadHandoffMicros` in `info`)
   */
  threads?: number;
  /**
   * Threads (the scheduler's own included) that sample the slots of one step and compute their
   * log-probs in parallel. A step uses only as many as its logits call for (see
   * `logitsPerSamplingThread`).
   * @default on a GPU min(8, physical cores), on the CPU 1 (there decoding dwarfs sampling)
   */
  samplingThreads?: number;
  /**
   * Logits (rows sampled × vocabulary size) that one sampling thread takes in a step: a step uses
   * min(samplingThreads, ceil(logits / logitsPerSamplingThread)) threads, a row with log-probs
   * counting four times. One thread reads a row of 32k logits in ~5 µs, and waking another thread (a
   * futex round trip, slow on a VM) must be paid for by several rows.
   * @default 262144 (8 rows of a 32k vocabulary)
   */
  logitsPerSamplingThread?: number;
  /** Tokens of context per slot (rounded up to a multiple of 256). @default 2048, or the model's training context if smaller */
  contextPerSlot?: number;
  /** Requests that may wait for a slot before `generate` throws QueueFullError. @default 64 */
  queueLimit?: number;
  /** Prompt tokens evaluated per step across all prefilling slots. @default 256 */
  prefillChunk?: number;
  /** One KV pool shared by all slots instead of one per slot. @default false */
  kvUnified?: boolean;
  /**
   * Which GPU holds the whole model, its KV cache and compute buffers: an index into the GPUs of the
   * bound llama.cpp build, in the order `listGpuDevices()` returns them. Run one engine per GPU to
   * use several GPUs of a host. Only for an engine on a GPU: on the CPU it is an INVALID_ARGUMENT.
   * @default 0 (the first GPU)
   */
  device?: number;
  /** Embeddings (`LocalEngine.embed`) from a second context over the same model. */
  embeddings?: LocalEmbeddingOptions;
  /** Model load progress in [0, 1], throttled. */
  onProgress?: (fraction: number) => void;
  /** Memory the fit check compares against, instead of what the system reports. */
  availableMemoryBytes?: number;
  /**
   * A folder holding a libllama build (e.g. a local CUDA build for sm_90), instead of node-llama-cpp's
   * prebuilt ones. `gpu: auto` then runs on that build's GPU if it has one; `gpu: cpu` keeps the model
   * in RAM. @default the `SWITCHYARD_LLAMA_LIBRARY_DIR` environment variable, if set
   */
  libraryDir?: string;
}

export type EmbeddingPooling = "mean" | "cls" | "last";

export interface LocalEmbeddingOptions {
  /**
   * `auto`: serve embeddings when the GGUF metadata names a pooling (`<arch>.pooling_type`, as
   * embedding models converted by llama.cpp do); `on`: always (a generative model's hidden states
   * pooled by `pooling`); `off`: never (no second context is created).
   * @default "auto"
   */
  mode?: "auto" | "on" | "off";
  /** How a text's token states become one vector. @default the model's, else "mean" */
  pooling?: EmbeddingPooling;
  /** Tokens per embedding decode; also the longest text, capped by the training context. @default 2048 */
  batchTokens?: number;
  /** Texts decoded together in one embedding decode. @default 16 */
  sequences?: number;
  /** Texts that may wait for an embedding decode before `embed` throws QueueFullError. @default 1024 */
  queueLimit?: number;
}

/** What the engine's embedding context serves (`EngineInfo.embeddings`). */
export interface EmbeddingInfo {
  /** Length of every vector. */
  dimensions: number;
  pooling: EmbeddingPooling;
  /** The longest text, in tokens (added BOS/EOS included). */
  maxTokens: number;
  batchTokens: number;
  sequences: number;
  /** Longer texts (UTF-8 bytes) are refused before they are tokenized: they cannot fit `maxTokens`. */
  maxInputBytes: number;
}

export interface EmbedOptions {
  signal?: AbortSignal;
}

export interface EmbedOutput {
  /** One unit-length (L2) vector per input, in order. */
  embeddings: Float32Array[];
  /** Tokens of each input, added BOS/EOS included. */
  tokens: number[];
  inputTokens: number;
}

export interface EngineInfo {
  backend: EngineBackend;
  /** The device that holds the model (its description, e.g. "NVIDIA H200", or else its name). */
  device: string;
  /** On a GPU: its index among the build's GPUs (see `LocalEngineOptions.device`). */
  deviceIndex?: number;
  libraryPath: string;
  slots: number;
  contextPerSlot: number;
  trainContext: number;
  vocabSize: number;
  batchSize: number;
  threads: number;
  samplingThreads: number;
  /** Mean spin round trip between two threads at load, in microseconds (what chose `threads`). */
  threadHandoffMicros: number;
  kvUnified: boolean;
  /** Bytes of weights llama.cpp holds. */
  modelBytes: number;
  /** f16 K and V for one slot's context. */
  kvBytesPerSlot: number;
  chatTemplate?: string;
  /**
   * How the model writes tool calls, when its chat template takes `tools` and its call syntax is one
   * this engine knows (see `ToolCallFormat`); unset, `applyChatTemplate` refuses tools.
   */
  toolCallFormat?: ToolCallFormat;
  bosToken: number;
  eosToken: number;
  eogTokens: number[];
  /** Present when the engine serves embeddings (see `LocalEngineOptions.embeddings`). */
  embeddings?: EmbeddingInfo;
}

export interface GenerateRequest {
  /**
   * Text or token ids. Text is tokenized with BOS added and special-token text (`<|im_start|>`)
   * parsed as the special token, which a rendered chat template needs; pass token ids when untrusted
   * text must not be able to spell control tokens.
   */
  prompt: string | readonly number[];
  maxTokens: number;
  /** 0 is greedy. @default 0.8 */
  temperature?: number;
  /** @default 0.95 */
  topP?: number;
  /** 0 turns it off. @default 40 */
  topK?: number;
  /** @default 0.05 */
  minP?: number;
  /** @default random */
  seed?: number;
  /** 1 turns it off. @default 1 */
  repeatPenalty?: number;
  /** Text at which generation ends; it is not part of the output. */
  stop?: readonly string[];
  /** A GBNF grammar with a `root` rule (see `jsonSchemaToGrammar`). */
  grammar?: string;
  /** Log-probs of each generated token plus this many alternatives (0..20). @default none */
  logprobs?: number;
  /** Higher is admitted first; FIFO within a priority. @default 0 */
  priority?: number;
  /**
   * Whether the text of the control tokens the model generates (`<|python_tag|>`, `[TOOL_CALLS]`)
   * is part of the output, as a tool-call parser needs; end-of-generation tokens still end the
   * request and are never part of it. @default false
   */
  renderSpecialTokens?: boolean;
  signal?: AbortSignal;
}

export interface TokenAlternative {
  id: number;
  text: string;
  /** Natural log of the probability under the model's raw distribution (not renormalized by samplers). */
  logprob: number;
}

export interface GeneratedToken {
  id: number;
  /** This token's own bytes as text (a lone part of a multi-byte character shows as U+FFFD). */
  text: string;
  logprob?: number;
  top?: TokenAlternative[];
}

/**
 * One step's output for a request. `tokens` are every token sampled (end-of-generation tokens
 * excepted); `text` is what they released: a character split across tokens waits for its last byte,
 * a possible start of a stop string waits until it is decided, and a stop string is never emitted.
 * The events' texts concatenate to the completion's text.
 */
export interface EngineEvent {
  type: "tokens";
  text: string;
  tokens: GeneratedToken[];
}

export type EngineFinishReason = "stop" | "length" | "abort" | "error";

export interface EngineTimings {
  /** Submission to admission into a slot. */
  queuedMs: number;
  /** Submission to the first token. */
  ttftMs: number;
  prefillTokensPerSec: number;
  decodeTokensPerSec: number;
}

export interface EngineCompletion {
  text: string;
  finishReason: EngineFinishReason;
  /** Set when finishReason is "error". */
  error?: string;
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens whose KV was reused from the slot's previous request. */
  cachedPromptTokens: number;
  timings: EngineTimings;
}

export interface EngineMetrics {
  queueDepth: number;
  busySlots: number;
  slots: number;
  steps: number;
  /** Steps whose one llama_decode carried tokens of two or more slots. */
  multiSlotSteps: number;
  /** Tokens per llama_decode, averaged over all steps. */
  averageBatchTokens: number;
  generatedTokens: number;
  prefillTokens: number;
  /** Exponentially weighted, over decode-only steps. */
  decodeTokensPerSec: number;
  /**
   * Throwaway tokens given to idle slots between busy ones, so that a step stays one ubatch
   * (per-sequence KV only puts consecutive sequences together).
   */
  gapFillerTokens: number;
  /**
   * Sampling-pool threads woken since load, summed over steps. It stays 0 while every step's logits
   * fit one thread (see `logitsPerSamplingThread`).
   */
  samplingWakeups: number;
  /** Steps with no prompt tokens (pure decoding) since load: the ones `stepPhaseMicros` sums. */
  decodeOnlySteps: number;
  /** Where the time of decode-only steps went since load. */
  stepPhaseMicros: StepPhaseMicros;
}

/** Microseconds spent in each phase of the scheduler's decode-only steps, summed since load. */
export interface StepPhaseMicros {
  /** The scheduler loop between two steps: cancellations, admission. */
  between: number;
  /** Choosing prefill chunks and filling the batch. */
  build: number;
  /** The llama_decode call itself (on a GPU: preparing and launching the graph). */
  decode: number;
  /** Handing the previous step's buffer to JavaScript, while the GPU computes. */
  post: number;
  /** Waiting for the logits: the rest of the forward pass and the copy to host memory. */
  wait: number;
  /** Sampling and log-probs, on `samplingThreads` threads. */
  sample: number;
  /** Text, stop strings, finishes: filling the step's buffer for JavaScript. */
  report: number;
}

/** A GPU of the bound llama.cpp build (see `listGpuDevices`). */
export interface GpuDevice {
  /** What `LocalEngineOptions.device` takes to put an engine on this GPU. */
  index: number;
  /** llama.cpp's name for it, e.g. "CUDA0". */
  name: string;
  /** e.g. "NVIDIA H200". */
  description: string;
  backend: EngineBackend;
  /** Free memory as the driver reports it now. */
  freeBytes: number;
  totalBytes: number;
}

/**
 * How a model writes tool calls:
 * - `hermes` (Qwen2.5, Qwen3, Hermes): `<tool_call>\n{"name": …, "arguments": {…}}\n</tool_call>`, one
 *   block per call;
 * - `llama3-json` (Llama 3.1, 3.2, 3.3): a JSON object `{"name": …, "parameters": {…}}`, optionally
 *   after `<|python_tag|>`;
 * - `mistral` (Mistral 7B v0.3, Nemo): `[TOOL_CALLS][{"name": …, "arguments": {…}}, …]`.
 */
export type ToolCallFormat = "hermes" | "llama3-json" | "mistral";

/** A function the model may call, as the chat template lists it. */
export interface EngineTool {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters: JsonSchemaNode;
}

export interface ChatTemplateMessage {
  role: string;
  content: string;
  /** An assistant turn's tool calls; `arguments` is JSON text of the arguments object. */
  toolCalls?: { id: string; name: string; arguments: string }[];
  /** A `tool` turn: the id of the call it answers. */
  toolCallId?: string;
}
